// libFuzzer target: RespParser against its contract. Arbitrary bytes are parsed whole, split
// at a fuzzer-chosen point, in pseudo-random chunks and (small inputs) byte by byte; every run
// must report the same requests, arguments and errors, never consume more than it was given,
// keep multibulk argument views inside the buffer passed in, and fail only with Redis's texts.
// The look-ahead (PeekRequests) must see, of the requests it reports, what the parser reads.
//
// Input: 4 header bytes, then the stream.
//   h[0] bit 0: unauthenticated limits (kUnauthenticatedMaxArgs/-BulkLen)
//        bit 1: small limits: proto_max_bulk_len = h[1] + 1, inline_max_size = h[2] + 16
//   h[1], h[2]: the small limits; h[3]: the split point and the chunking seed.
#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "protocol/resp_parser.h"
#include "protocol/resp_peek.h"

namespace {

using hashkv::RespLimits;
using hashkv::RespParser;

[[noreturn]] void Violation(const char* what, int line) {
  std::fprintf(stderr, "resp_parser_fuzz: invariant violated (line %d): %s\n", line, what);
  std::abort();
}
#define FUZZ_CHECK(cond)                     \
  do {                                       \
    if (!(cond)) Violation(#cond, __LINE__); \
  } while (false)

constexpr std::string_view kTooBigMbulk = "Protocol error: too big mbulk count string";
constexpr std::string_view kTooBigBulk = "Protocol error: too big bulk count string";
constexpr std::string_view kTooBigInline = "Protocol error: too big inline request";

bool IsTooBig(std::string_view error) {
  return error == kTooBigMbulk || error == kTooBigBulk || error == kTooBigInline;
}

bool IsKnownError(std::string_view error) {
  static constexpr std::string_view kFixed[] = {
      kTooBigMbulk,
      kTooBigBulk,
      kTooBigInline,
      "Protocol error: invalid multibulk length",
      "Protocol error: invalid bulk length",
      "Protocol error: unbalanced quotes in request",
      "Protocol error: unauthenticated multibulk length",
      "Protocol error: unauthenticated bulk length",
  };
  for (std::string_view known : kFixed) {
    if (error == known) return true;
  }
  // "Protocol error: expected '$', got 'X'" with X any byte but CR and LF (sent as spaces).
  constexpr std::string_view kExpected = "Protocol error: expected '$', got '";
  return error.size() == kExpected.size() + 2 && error.substr(0, kExpected.size()) == kExpected &&
         error.back() == '\'' && error[kExpected.size()] != '\r' && error[kExpected.size()] != '\n';
}

struct Event {
  RespParser::Result result;
  std::vector<std::string> args;
  std::string error;
  size_t consumed;
  bool operator==(const Event&) const = default;
};

struct Outcome {
  std::vector<Event> events;
  size_t leftover = 0;  // bytes still unconsumed at the end (0 after an error)
  bool operator==(const Outcome&) const = default;
};

// Checks one kCommand/kSkip result against the bytes it consumed.
void CheckRequest(const RespParser& parser, std::string_view in, RespParser::Result r) {
  const size_t consumed = parser.consumed();
  FUZZ_CHECK(consumed > 0);
  FUZZ_CHECK(consumed <= in.size());
  const auto& args = parser.args();
  if (r == RespParser::Result::kCommand) {
    FUZZ_CHECK(!args.empty());
  } else {
    FUZZ_CHECK(args.empty());
  }
  if (in[0] == '*') {
    // Multibulk: views into the caller's bytes, in order, without overlap, inside the request.
    const char* next = in.data();
    for (std::string_view arg : args) {
      FUZZ_CHECK(arg.data() >= next);
      FUZZ_CHECK(arg.data() + arg.size() <= in.data() + consumed);
      next = arg.data() + arg.size();
    }
    return;
  }
  // Inline: one line, split by Redis's sdssplitargs rules (SplitInlineArgs).
  FUZZ_CHECK(in[consumed - 1] == '\n');
  std::string_view line = in.substr(0, consumed - 1);
  if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
  std::vector<std::string> expected;
  FUZZ_CHECK(hashkv::SplitInlineArgs(line, expected));
  FUZZ_CHECK(expected.size() == args.size());
  for (size_t i = 0; i < args.size(); ++i) FUZZ_CHECK(expected[i] == args[i]);
}

// Parses `data` as a connection would receive it: in chunks ending at `cuts` (ascending), the
// caller dropping consumed bytes after each request. The unconsumed bytes are always
// data[base, fed). Each Parse() sees them in a heap block that ends exactly where they end: a
// fresh copy while more is to come, libFuzzer's own exact-size input for the last chunk. So any
// read past the end or through a stale pointer is an AddressSanitizer report.
Outcome Run(std::string_view data, const std::vector<size_t>& cuts, const RespLimits& limits) {
  Outcome outcome;
  RespParser parser(limits);
  size_t base = 0;
  for (size_t fed : cuts) {
    while (true) {
      std::unique_ptr<char[]> block;
      std::string_view in = data.substr(base, fed - base);
      if (fed < data.size()) {
        block = std::make_unique<char[]>(in.size());
        std::memcpy(block.get(), in.data(), in.size());
        in = std::string_view(block.get(), in.size());
      }
      const RespParser::Result r = parser.Parse(in);
      FUZZ_CHECK(parser.consumed() <= in.size());
      if (r == RespParser::Result::kNeedMore) {
        FUZZ_CHECK(parser.consumed() == 0);
        FUZZ_CHECK(parser.args().empty());
        break;
      }
      Event event{r, {}, {}, parser.consumed()};
      if (r == RespParser::Result::kError) {
        event.error = std::string(parser.error());
        FUZZ_CHECK(IsKnownError(event.error));
        // An error is final until Reset().
        FUZZ_CHECK(parser.Parse(in) == RespParser::Result::kError);
        outcome.events.push_back(std::move(event));
        outcome.leftover = 0;
        return outcome;
      }
      CheckRequest(parser, in, r);
      for (std::string_view arg : parser.args()) event.args.emplace_back(arg);
      outcome.events.push_back(std::move(event));
      base += parser.consumed();
    }
  }
  outcome.leftover = data.size() - base;
  return outcome;
}

// A run with more, smaller chunks may meet a "too big" limit earlier than one that sees the
// line's end (Redis checks the limit only while the end is missing), so then only the events
// before that error must agree.
void Compare(const Outcome& whole, const Outcome& split) {
  if (whole == split) return;
  FUZZ_CHECK(!split.events.empty());
  const Event& last = split.events.back();
  FUZZ_CHECK(last.result == RespParser::Result::kError && IsTooBig(last.error));
  const size_t k = split.events.size() - 1;
  FUZZ_CHECK(whole.events.size() >= k);
  for (size_t i = 0; i < k; ++i) FUZZ_CHECK(whole.events[i] == split.events[i]);
}

// PeekRequests over the whole input (libFuzzer's exact-size buffer, so a read past its end is
// an AddressSanitizer report) against the parser's events for it: each request it reports is
// the parser's next command, with the same arguments and the same end, exactly when the
// parser's limits take it (RespParser::TakesPlain, what Engine::Feed runs a peeked request
// on); when they do not, the parser refuses it, and nothing after it is compared.
void CheckPeek(std::string_view data, const Outcome& whole, const RespLimits& limits) {
  std::vector<hashkv::PeekedRequest> peeked(64);
  std::vector<std::string_view> arg_room(512);
  peeked.resize(hashkv::PeekRequests(data, peeked, arg_room));
  const RespParser between_requests(limits);
  size_t end = 0;
  for (size_t i = 0; i < peeked.size(); ++i) {
    FUZZ_CHECK(i < whole.events.size());
    const Event& event = whole.events[i];
    const bool takes = between_requests.TakesPlain(peeked[i].args.size(), peeked[i].longest);
    if (event.result == RespParser::Result::kError) {
      FUZZ_CHECK(!takes);
      return;
    }
    FUZZ_CHECK(takes);
    FUZZ_CHECK(event.result == RespParser::Result::kCommand);
    FUZZ_CHECK(peeked[i].args.size() == event.args.size());
    int64_t longest = 0;
    for (size_t a = 0; a < event.args.size(); ++a) {
      FUZZ_CHECK(peeked[i].args[a] == event.args[a]);
      longest = std::max(longest, static_cast<int64_t>(event.args[a].size()));
    }
    FUZZ_CHECK(peeked[i].longest == longest);
    end += event.consumed;
    FUZZ_CHECK(peeked[i].end == end);
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* bytes, size_t size) {
  if (size < 4) return 0;
  RespLimits limits;
  limits.unauthenticated = (bytes[0] & 1) != 0;
  if ((bytes[0] & 2) != 0) {
    limits.proto_max_bulk_len = bytes[1] + 1;
    limits.inline_max_size = bytes[2] + 16;
  }
  const uint8_t seed = bytes[3];
  const std::string_view data(reinterpret_cast<const char*>(bytes) + 4, size - 4);
  const size_t n = data.size();

  const Outcome whole = Run(data, {n}, limits);
  CheckPeek(data, whole, limits);

  // One split at a fuzzer-chosen point.
  const size_t point = n == 0 ? 0 : (static_cast<size_t>(seed) * 131 + bytes[1]) % (n + 1);
  Compare(whole, Run(data, {point, n}, limits));

  // Pseudo-random chunks of 1..16 bytes.
  std::vector<size_t> cuts;
  uint32_t state = seed * 2654435761U + 1;
  for (size_t at = 0; at < n;) {
    state = state * 1103515245U + 12345U;
    at = std::min(n, at + 1 + ((state >> 16) & 15));
    cuts.push_back(at);
  }
  if (cuts.empty()) cuts.push_back(0);
  Compare(whole, Run(data, cuts, limits));

  // Byte by byte (quadratic in copying, so small inputs only).
  if (n <= 512) {
    cuts.clear();
    for (size_t at = 1; at <= n; ++at) cuts.push_back(at);
    if (cuts.empty()) cuts.push_back(0);
    Compare(whole, Run(data, cuts, limits));
  }
  return 0;
}
