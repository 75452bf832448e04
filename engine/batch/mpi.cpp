#include "engine/batch/mpi.hpp"

#include <algorithm>
#include <chrono>
#include <cstdlib>
#include <exception>
#include <limits>
#include <stdexcept>
#include <thread>

#ifdef PARLEY_WITH_MPI
#include <mpi.h>
#endif

namespace parley::mpi {

#ifdef PARLEY_WITH_MPI

bool available() noexcept {
  return true;
}

Session::Session() {
  int initialized = 0;
  MPI_Initialized(&initialized);
  if (initialized == 0) {
    int provided = 0;
    MPI_Init_thread(nullptr, nullptr, MPI_THREAD_FUNNELED, &provided);
    finalize_ = true;
  }
  MPI_Comm_rank(MPI_COMM_WORLD, &rank_);
  MPI_Comm_size(MPI_COMM_WORLD, &size_);
  MPI_Comm node;
  MPI_Comm_split_type(MPI_COMM_WORLD, MPI_COMM_TYPE_SHARED, rank_, MPI_INFO_NULL, &node);
  MPI_Comm_size(node, &local_size_);
  MPI_Comm_free(&node);
}

Session::~Session() {
  int finalized = 0;
  MPI_Finalized(&finalized);
  // Finalising is collective: a failing rank would wait in it for ranks that wait for its
  // messages. Leave MPI up for abort_job_if_several instead.
  if (std::uncaught_exceptions() > 0 && size_ > 1) return;
  if (finalize_ && finalized == 0) MPI_Finalize();
}

namespace {

// Waits until `done()` is true, sleeping between tries. MPI's blocking calls spin on a core
// while they wait; rank 0's writer and the other ranks' senders wait most of the time, and a
// spinning one would take a core from the workers (2 ranks x 1 thread on 2 cores would run 4
// busy threads). A block takes milliseconds to compute and 64 are buffered, so waking within
// 1 ms costs nothing.
template <class Done>
void wait_politely(Done done) {
  auto pause = std::chrono::microseconds(20);
  while (!done()) {
    std::this_thread::sleep_for(pause);
    pause = std::min(pause * 2, std::chrono::microseconds(1000));
  }
}

}  // namespace

void send(int dest, Tag tag, std::string_view bytes) {
  // One block or one state fits an int count by far (a block is 32 runs' rows; a state is the
  // histograms); refuse rather than truncate if that ever stops being true.
  if (bytes.size() > static_cast<size_t>(std::numeric_limits<int>::max()))
    throw std::length_error("MPI message over 2 GiB");
  MPI_Request request;
  MPI_Issend(bytes.data(), static_cast<int>(bytes.size()), MPI_BYTE, dest, static_cast<int>(tag),
             MPI_COMM_WORLD, &request);
  wait_politely([&] {
    int done = 0;
    MPI_Test(&request, &done, MPI_STATUS_IGNORE);
    return done != 0;
  });
}

void receive(int source, Tag tag, std::string& bytes) {
  MPI_Status status;
  wait_politely([&] {
    int found = 0;
    MPI_Iprobe(source, static_cast<int>(tag), MPI_COMM_WORLD, &found, &status);
    return found != 0;
  });
  int count = 0;
  MPI_Get_count(&status, MPI_BYTE, &count);
  bytes.resize(static_cast<size_t>(count));
  MPI_Recv(bytes.data(), count, MPI_BYTE, source, static_cast<int>(tag), MPI_COMM_WORLD,
           MPI_STATUS_IGNORE);
}

std::uint64_t broadcast(std::uint64_t value) {
  unsigned long long v = value;
  MPI_Bcast(&v, 1, MPI_UNSIGNED_LONG_LONG, 0, MPI_COMM_WORLD);
  return v;
}

void abort(int status) {
  MPI_Abort(MPI_COMM_WORLD, status);
  std::exit(status);
}

void abort_job_if_several(int status) {
  int initialized = 0;
  int finalized = 0;
  MPI_Initialized(&initialized);
  MPI_Finalized(&finalized);
  if (initialized == 0 || finalized != 0) return;
  int size = 1;
  MPI_Comm_size(MPI_COMM_WORLD, &size);
  if (size > 1) abort(status);
}

#else  // without MPI: one rank; the message functions are unreachable

bool available() noexcept {
  return false;
}
Session::Session() = default;
Session::~Session() = default;
void send(int, Tag, std::string_view) {
  throw std::logic_error("parley was built without MPI");
}
void receive(int, Tag, std::string&) {
  throw std::logic_error("parley was built without MPI");
}
std::uint64_t broadcast(std::uint64_t value) {
  return value;
}
void abort(int status) {
  std::exit(status);
}
void abort_job_if_several(int) {}

#endif

}  // namespace parley::mpi
