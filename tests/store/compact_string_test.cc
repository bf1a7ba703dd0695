// CompactString: the inline/heap boundary, copies, moves and self-assignment.
#include "store/compact_string.h"

#include <gtest/gtest.h>

#include <string>
#include <string_view>
#include <utility>

namespace hashkv {
namespace {

TEST(CompactStringTest, HoldsEverySizeAcrossTheInlineLimit) {
  for (size_t size : {0u, 1u, 14u, 15u, 16u, 17u, 1000u}) {
    const std::string s(size, 'x');
    CompactString c(s);
    EXPECT_EQ(c.view(), s) << size;
    EXPECT_EQ(c.size(), size);
  }
}

TEST(CompactStringTest, ReassignsBetweenInlineAndHeap) {
  CompactString c("short");
  c.assign(std::string(40, 'h'));
  EXPECT_EQ(c.view(), std::string(40, 'h'));
  c.assign(std::string(40, 'i'));  // Same size: reuses the block.
  EXPECT_EQ(c.view(), std::string(40, 'i'));
  c.assign(std::string(41, 'j'));
  EXPECT_EQ(c.view(), std::string(41, 'j'));
  c.assign("back");
  EXPECT_EQ(c.view(), "back");
  EXPECT_EQ(c.size(), 4u);
}

TEST(CompactStringTest, AssignsFromItsOwnBytes) {
  CompactString heap(std::string(30, 'a') + "tail");
  heap.assign(heap.view().substr(20));  // 14 bytes of its heap block: inline.
  EXPECT_EQ(heap.view(), std::string(10, 'a') + "tail");
  CompactString big(std::string(40, 'b') + "end");
  big.assign(big.view().substr(3));  // Heap to a smaller heap block.
  EXPECT_EQ(big.view(), std::string(37, 'b') + "end");
  CompactString small("0123456789");
  small.assign(small.view().substr(2));
  EXPECT_EQ(small.view(), "23456789");
}

TEST(CompactStringTest, CopiesAreDeepAndMovesEmptyTheSource) {
  CompactString a(std::string(50, 'a'));
  CompactString b(a);
  b.assign(std::string(50, 'b'));
  EXPECT_EQ(a.view(), std::string(50, 'a'));
  CompactString c(std::move(a));
  EXPECT_EQ(c.view(), std::string(50, 'a'));
  EXPECT_EQ(a.size(), 0u);  // NOLINT(bugprone-use-after-move): moved-from is empty.
  c = std::move(b);
  EXPECT_EQ(c.view(), std::string(50, 'b'));
  const CompactString& same = c;
  c = same;
  EXPECT_EQ(c.view(), std::string(50, 'b'));
}

}  // namespace
}  // namespace hashkv
