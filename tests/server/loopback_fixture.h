// The shared base of loopback tests: a real hashkv-server process and raw client connections.
#pragma once

#include <gtest/gtest.h>

#include <memory>
#include <string>
#include <vector>

#include "compat/connection.h"
#include "server/hashkv_process.h"

namespace hashkv::testing {

class LoopbackFixture : public ::testing::Test {
 protected:
  void StartServer(const std::vector<std::string>& flags = {}) {
    std::string error;
    ASSERT_TRUE(server_.Start(flags, &error)) << error;
  }
  std::unique_ptr<compat::Connection> Connect() {
    auto c = std::make_unique<compat::Connection>();
    std::string error;
    EXPECT_TRUE(c->Connect(server_.port(), &error)) << error;
    return c;
  }
  std::string Cmd(compat::Connection& c, const std::vector<std::string>& args) {
    std::string raw, error;
    EXPECT_TRUE(c.Command(args, &raw, &error)) << error;
    return raw;
  }
  std::string Read(compat::Connection& c) {
    std::string raw, error;
    EXPECT_TRUE(c.ReadReply(&raw, &error)) << error;
    return raw;
  }

  HashkvProcess server_;
};

}  // namespace hashkv::testing
