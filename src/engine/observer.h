// Per-command statistics, the slowlog and MONITOR feeds.
#pragma once

namespace hashkv {

class Observer {};

}  // namespace hashkv
