// How much of a depth-1 request's server CPU the I/O model decides, apart from any server: a
// responder that answers every request of a read with "$-1\r\n" (HGET of a missing key) and does
// nothing else, over a level-triggered epoll loop as Redis's (epoll_wait, read, write) or over
// io_uring (one io_uring_enter per loop that submits the sends and re-armed receives and waits;
// "uring-defer" runs completions only inside that call, IORING_SETUP_DEFER_TASKRUN). Not part
// of hashkv: bench/io_probe.sh runs it beside redis-server and hashkv-server to bound what an
// io_uring connection layer could save. Counts a request per '*' read, which redis-benchmark's
// HGET requests on its keys satisfy.
//
//   io_probe epoll|uring|uring-defer   (prints the loopback port it
//   listens on, then serves)
#include <fcntl.h>
#include <liburing.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

namespace {

constexpr int kMaxFds = 65536;

struct Conn {
  int fd = -1;
  char in[16384];
  std::string out;
};

int ListenOnFreePort() {
  const int fd = socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  socklen_t len = sizeof addr;
  if (fd < 0 || bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0 ||
      listen(fd, 512) != 0 || getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len) != 0) {
    perror("listen");
    return -1;
  }
  std::printf("%d\n", ntohs(addr.sin_port));
  std::fflush(stdout);
  return fd;
}

void SetNoDelay(int fd) {
  const int one = 1;
  setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
}

void Answer(Conn& c, size_t n) {
  const auto requests = std::count(c.in, c.in + n, '*');
  c.out.clear();
  for (int64_t i = 0; i < requests; ++i) c.out += "$-1\r\n";
}

int RunEpoll(int listener) {
  const int ep = epoll_create1(0);
  epoll_event ev{};
  ev.events = EPOLLIN;
  ev.data.fd = listener;
  epoll_ctl(ep, EPOLL_CTL_ADD, listener, &ev);
  std::vector<std::unique_ptr<Conn>> conns(kMaxFds);
  epoll_event ready[256];
  for (;;) {
    const int n = epoll_wait(ep, ready, 256, -1);
    for (int i = 0; i < n; ++i) {
      const int fd = ready[i].data.fd;
      if (fd == listener) {
        const int c = accept4(listener, nullptr, nullptr, SOCK_NONBLOCK);
        if (c < 0 || c >= kMaxFds) continue;
        SetNoDelay(c);
        conns[c] = std::make_unique<Conn>();
        conns[c]->fd = c;
        ev.data.fd = c;
        epoll_ctl(ep, EPOLL_CTL_ADD, c, &ev);
        continue;
      }
      Conn& c = *conns[fd];
      const ssize_t got = read(fd, c.in, sizeof c.in);
      if (got <= 0) {
        close(fd);
        conns[fd].reset();
        continue;
      }
      Answer(c, static_cast<size_t>(got));
      if (write(fd, c.out.data(), c.out.size()) < 0) perror("write");
    }
  }
}

enum Op : uint64_t { kAccept = 1, kRecv = 2, kSend = 3 };
uint64_t Tag(Op op, int fd) { return op << 32 | static_cast<uint32_t>(fd); }

int RunUring(int listener, unsigned flags) {
  io_uring ring;
  io_uring_params params{};
  params.flags = flags;
  if (const int err = io_uring_queue_init_params(1024, &ring, &params); err != 0) {
    std::fprintf(stderr, "io_uring_queue_init: %s\n", strerror(-err));
    return 1;
  }
  auto next_sqe = [&ring] {
    io_uring_sqe* sqe = io_uring_get_sqe(&ring);
    if (sqe == nullptr) {
      io_uring_submit(&ring);
      sqe = io_uring_get_sqe(&ring);
    }
    return sqe;
  };
  auto receive = [&](Conn& c) {
    io_uring_sqe* sqe = next_sqe();
    io_uring_prep_recv(sqe, c.fd, c.in, sizeof c.in, 0);
    io_uring_sqe_set_data64(sqe, Tag(kRecv, c.fd));
  };
  std::vector<std::unique_ptr<Conn>> conns(kMaxFds);
  io_uring_sqe* accept = next_sqe();
  io_uring_prep_multishot_accept(accept, listener, nullptr, nullptr, 0);
  io_uring_sqe_set_data64(accept, Tag(kAccept, listener));
  for (;;) {
    io_uring_submit_and_wait(&ring, 1);
    io_uring_cqe* cqe = nullptr;
    unsigned head = 0;
    unsigned seen = 0;
    io_uring_for_each_cqe(&ring, head, cqe) {
      ++seen;
      const auto op = static_cast<Op>(cqe->user_data >> 32);
      const auto fd = static_cast<int>(cqe->user_data & 0xffffffff);
      if (op == kAccept && cqe->res >= 0 && cqe->res < kMaxFds) {
        SetNoDelay(cqe->res);
        conns[cqe->res] = std::make_unique<Conn>();
        conns[cqe->res]->fd = cqe->res;
        receive(*conns[cqe->res]);
      } else if (op == kRecv) {
        if (cqe->res <= 0) {
          close(fd);
          conns[fd].reset();
          continue;
        }
        // At depth 1 the next request, and so the next use of `out`, waits for this reply.
        Conn& c = *conns[fd];
        Answer(c, static_cast<size_t>(cqe->res));
        io_uring_sqe* send = next_sqe();
        io_uring_prep_send(send, fd, c.out.data(), c.out.size(), 0);
        io_uring_sqe_set_data64(send, Tag(kSend, fd));
        receive(c);
      }
    }
    io_uring_cq_advance(&ring, seen);
  }
}

}  // namespace

int main(int argc, char** argv) {
  const std::string_view mode = argc > 1 ? argv[1] : "";
  if (mode != "epoll" && mode != "uring" && mode != "uring-defer") {
    std::fprintf(stderr, "usage: io_probe epoll|uring|uring-defer\n");
    return 2;
  }
  const int listener = ListenOnFreePort();
  if (listener < 0) return 1;
  if (mode == "epoll") return RunEpoll(listener);
  return RunUring(listener,
                  mode == "uring" ? 0 : IORING_SETUP_SINGLE_ISSUER | IORING_SETUP_DEFER_TASKRUN);
}
