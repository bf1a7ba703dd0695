// Listpack: the small-hash buffer's encoding edges, in-place edits and remembered lookups,
// checked against an ordered model.
#include "store/listpack.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <random>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace hashkv {
namespace {

using Pairs = std::vector<std::pair<std::string, std::string>>;

Pairs All(const Listpack& lp) {
  Pairs pairs;
  lp.ForEach([&](std::string_view f, std::string_view v) { pairs.emplace_back(f, v); });
  return pairs;
}

TEST(ListpackTest, EmptyHoldsNoBlock) {
  Listpack lp;
  EXPECT_EQ(lp.size(), 0u);
  EXPECT_EQ(lp.allocated_bytes(), 0u);
  EXPECT_FALSE(lp.Get("f").has_value());
  EXPECT_FALSE(lp.Delete("f"));
}

TEST(ListpackTest, SetGetDeleteKeepOrder) {
  Listpack lp;
  EXPECT_TRUE(lp.Set("a", "1"));
  EXPECT_TRUE(lp.Set("b", "2"));
  EXPECT_TRUE(lp.Set("c", "3"));
  EXPECT_FALSE(lp.Set("a", "one"));
  EXPECT_EQ(All(lp), (Pairs{{"a", "one"}, {"b", "2"}, {"c", "3"}}));
  EXPECT_TRUE(lp.Delete("b"));
  EXPECT_FALSE(lp.Delete("b"));
  EXPECT_EQ(All(lp), (Pairs{{"a", "one"}, {"c", "3"}}));
  EXPECT_EQ(lp.At(1), (std::pair<std::string_view, std::string_view>{"c", "3"}));
  EXPECT_TRUE(lp.Delete("a"));
  EXPECT_TRUE(lp.Delete("c"));
  EXPECT_EQ(lp.size(), 0u);
  EXPECT_EQ(lp.allocated_bytes(), 0u);  // The last delete frees the block.
}

TEST(ListpackTest, EmptyFieldsAndValuesAndBinaryBytes) {
  Listpack lp;
  const std::string binary("\0\x80\xff", 3);
  EXPECT_TRUE(lp.Set("", ""));
  EXPECT_TRUE(lp.Set(binary, binary));
  EXPECT_EQ(lp.Get(""), std::string_view());
  EXPECT_EQ(lp.Get(binary), binary);
  EXPECT_EQ(All(lp), (Pairs{{"", ""}, {binary, binary}}));
}

// Sizes around each varint width change, overwritten in the middle so the tail has to move
// both ways.
TEST(ListpackTest, VarintBoundariesSurviveOverwritesInTheMiddle) {
  for (size_t size : {0u, 1u, 127u, 128u, 129u, 16383u, 16384u, 70000u}) {
    Listpack lp;
    lp.Set("first", "1");
    lp.Set(std::string(size, 'k'), std::string(size, 'v'));
    lp.Set("last", "2");
    EXPECT_EQ(lp.Get(std::string(size, 'k')), std::string(size, 'v')) << size;
    lp.Set(std::string(size, 'k'), std::string(size + 200, 'w'));
    EXPECT_EQ(All(lp), (Pairs{{"first", "1"},
                              {std::string(size, 'k'), std::string(size + 200, 'w')},
                              {"last", "2"}}))
        << size;
    lp.Set(std::string(size, 'k'), "x");
    EXPECT_EQ(All(lp), (Pairs{{"first", "1"}, {std::string(size, 'k'), "x"}, {"last", "2"}}))
        << size;
    EXPECT_EQ(lp.Get("last"), "2") << size;
  }
}

TEST(ListpackTest, FieldsSharingPrefixesOrSuffixesAreTold) {
  Listpack lp;
  const std::vector<std::string> fields = {"field:000000000001",
                                           "field:000000000002",
                                           "xield:000000000001",
                                           "field:00000000000",
                                           "ield:000000000001",
                                           "abcdefg",
                                           "abcdefh",
                                           "bbcdefg"};
  for (const std::string& f : fields) EXPECT_TRUE(lp.Set(f, "v:" + f));
  for (const std::string& f : fields) EXPECT_EQ(lp.Get(f), "v:" + f);
  EXPECT_FALSE(lp.Get("field:000000000003").has_value());
  EXPECT_FALSE(lp.Get("abcdefi").has_value());
}

TEST(ListpackTest, RememberedEntryIsForgottenWhenItMoves) {
  Listpack lp;
  lp.Set("a", "1");
  lp.Set("b", "2");
  lp.Set("c", "3");
  EXPECT_EQ(lp.Get("c"), "3");  // Remembered.
  EXPECT_TRUE(lp.Delete("a"));  // "c" moves down.
  EXPECT_EQ(lp.Get("c"), "3");
  EXPECT_EQ(lp.Get("b"), "2");
  lp.Set("b", std::string(300, 'x'));  // "c" moves up.
  EXPECT_EQ(lp.Get("c"), "3");
  EXPECT_FALSE(lp.Get("a").has_value());
}

TEST(ListpackTest, RememberedMissIsExactAndForgottenOnChange) {
  Listpack lp;
  lp.Set("aaa", "1");
  lp.Set("bbb", "2");
  EXPECT_FALSE(lp.Get("xyz").has_value());  // Remembered as missing.
  EXPECT_EQ(lp.Get("aaa"), "1");            // Same size, another field: still searched.
  EXPECT_FALSE(lp.Get("xyz").has_value());
  EXPECT_FALSE(lp.Get("xyy").has_value());
  EXPECT_TRUE(lp.Set("xyy", "3"));  // The miss was remembered: appended, not found.
  EXPECT_EQ(lp.Get("xyy"), "3");
  EXPECT_FALSE(lp.Get("zzz").has_value());
  EXPECT_TRUE(lp.Delete("aaa"));  // Moves the tail the copy sat past.
  EXPECT_FALSE(lp.Get("zzz").has_value());
  EXPECT_TRUE(lp.Set("zzz", "4"));
  EXPECT_FALSE(lp.Set("zzz", "5"));
  EXPECT_EQ(All(lp), (Pairs{{"bbb", "2"}, {"xyy", "3"}, {"zzz", "5"}}));
}

TEST(ListpackTest, CopiesAreDeepAndTight) {
  Listpack lp;
  for (int i = 0; i < 50; ++i) lp.Set("field:" + std::to_string(i), "value");
  Listpack copy(lp);
  copy.Set("field:0", "changed");
  EXPECT_EQ(lp.Get("field:0"), "value");
  EXPECT_EQ(copy.Get("field:0"), "changed");
  EXPECT_LE(Listpack(lp).allocated_bytes(), lp.allocated_bytes());
  Listpack moved(std::move(copy));
  EXPECT_EQ(moved.size(), 50u);
  EXPECT_EQ(copy.size(), 0u);  // NOLINT(bugprone-use-after-move): moved-from is empty.
}

TEST(ListpackTest, ShrinksWhenMostlyDeleted) {
  Listpack lp;
  for (int i = 0; i < 200; ++i) lp.Set("field:" + std::to_string(i), std::string(20, 'v'));
  const size_t full = lp.allocated_bytes();
  for (int i = 0; i < 190; ++i) lp.Delete("field:" + std::to_string(i));
  EXPECT_LT(lp.allocated_bytes(), full / 4);
  EXPECT_EQ(lp.size(), 10u);
  EXPECT_EQ(lp.Get("field:195"), std::string(20, 'v'));
}

TEST(ListpackTest, OverheadPerPairIsTwoLengthBytesAndASixteenth) {
  Listpack lp;
  for (int i = 0; i < 100; ++i) lp.Set("field:" + std::to_string(100 + i), "v000000");
  // 100 pairs of 9 + 7 bytes plus a length byte each, a 16-byte header, at most 1/16 slack and
  // the rest of malloc's 16-byte chunk.
  EXPECT_LE(lp.allocated_bytes(), (16 + 100 * 18) * 17 / 16 + 16);
  Listpack one;
  one.Set("f", "v");
  EXPECT_LE(one.allocated_bytes(), 16u + 4 + 32 + 16);  // One pair: a header, 4 bytes, slack.
}

TEST(ListpackTest, SafeToAddStopsAtAGigabyte) {
  Listpack lp;
  EXPECT_TRUE(lp.SafeToAdd(10, 10));
  EXPECT_FALSE(lp.SafeToAdd(Listpack::kMaxBytes, 0));
  EXPECT_FALSE(lp.SafeToAdd(Listpack::kMaxBytes / 2, Listpack::kMaxBytes / 2));
  EXPECT_FALSE(lp.SafeToAdd(SIZE_MAX, SIZE_MAX));  // No wrap-around.
}

TEST(ListpackTest, MatchesAnOrderedModel) {
  for (uint64_t seed : {1, 2, 3}) {
    std::mt19937_64 rng(seed);
    Listpack lp;
    Pairs model;
    for (int op = 0; op < 20000; ++op) {
      const std::string field = "f" + std::to_string(rng() % 60);
      const size_t length = rng() % 20 == 0 ? 100 + rng() % 300 : rng() % 10;
      const std::string value(length, static_cast<char>('a' + rng() % 26));
      auto it = std::find_if(model.begin(), model.end(),
                             [&](const auto& pair) { return pair.first == field; });
      switch (rng() % 4) {
        case 0:
        case 1:
          EXPECT_EQ(lp.Set(field, value), it == model.end());
          if (it == model.end()) {
            model.emplace_back(field, value);
          } else {
            it->second = value;
          }
          break;
        case 2:
          EXPECT_EQ(lp.Delete(field), it != model.end());
          if (it != model.end()) model.erase(it);
          break;
        default:
          if (it == model.end()) {
            EXPECT_FALSE(lp.Get(field).has_value());
          } else {
            EXPECT_EQ(lp.Get(field), it->second);
          }
      }
      ASSERT_EQ(lp.size(), model.size());
    }
    EXPECT_EQ(All(lp), model);
  }
}

}  // namespace
}  // namespace hashkv
