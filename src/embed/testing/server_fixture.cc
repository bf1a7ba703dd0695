// ScopedServer and ServerFixture: thin lifetime wrappers around hashkv::Server.
#include "hashkv/testing/server_fixture.h"

#include <memory>
#include <utility>

namespace hashkv::testing {

ScopedServer::ScopedServer(ServerOptions options) : server_(std::move(options)) {
  ok_ = server_.Start(&error_);
}

ScopedServer::~ScopedServer() { server_.Stop(); }

void ServerFixture::SetUp() {
  server_ = std::make_unique<Server>(options());
  std::string error;
  ASSERT_TRUE(server_->Start(&error)) << "hashkv::Server::Start: " << error;
}

void ServerFixture::TearDown() {
  if (server_ != nullptr) server_->Stop();
  server_.reset();
}

}  // namespace hashkv::testing
