// INFO's text: Redis 7.0's sections, field names and layout, filled from the engine.
#pragma once

#include <cstdint>
#include <span>
#include <string>

#include "hashkv/command.h"

namespace hashkv {

class Engine;

// The reply of INFO with `sections` (the arguments after INFO; empty means "default").
std::string GenerateInfo(Engine& engine, std::span<const Arg> sections);

// Redis's bytesToHuman: "1023B", "1.16M", ...
std::string BytesToHuman(uint64_t n);

}  // namespace hashkv
