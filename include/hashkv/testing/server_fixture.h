// Test helpers over hashkv::Server: ScopedServer (RAII) and ServerFixture (GoogleTest), so a
// test needs three lines: include, `class MyTest : public hashkv::testing::ServerFixture {};`,
// and TEST_F(MyTest, ...) using server() / port().
#pragma once

#include <gtest/gtest.h>

#include <string>

#include "hashkv/server.h"

namespace hashkv::testing {

// Starts on construction and stops on destruction; ok() and error() tell whether it started.
class ScopedServer {
 public:
  explicit ScopedServer(ServerOptions options = {});
  ~ScopedServer();
  ScopedServer(const ScopedServer&) = delete;
  ScopedServer& operator=(const ScopedServer&) = delete;

  bool ok() const { return ok_; }
  const std::string& error() const { return error_; }
  int port() const { return server_.Port(); }
  Server& server() { return server_; }
  Server* operator->() { return &server_; }

 private:
  Server server_;
  bool ok_ = false;
  std::string error_;
};

// A fresh server per test. Override options() to configure it.
class ServerFixture : public ::testing::Test {
 protected:
  void SetUp() override;
  void TearDown() override;
  virtual ServerOptions options() const { return {}; }

  Server& server() { return *server_; }
  int port() const { return server_->Port(); }

 private:
  std::unique_ptr<Server> server_;
};

}  // namespace hashkv::testing
