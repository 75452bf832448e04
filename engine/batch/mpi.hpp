#pragma once
/// \file
/// The little of MPI that batches use, behind a plain interface so that the rest of the engine
/// compiles without MPI. Built with -DPARLEY_WITH_MPI=ON these call OpenMPI; otherwise a Session
/// is always rank 0 of 1 and the message functions are never reached (run_batch only sends
/// messages when there are several ranks).
///
/// Only the thread that created the Session calls MPI (MPI_THREAD_FUNNELED): in run_batch that is
/// the writer (rank 0) or sender (other ranks) loop; worker threads never touch MPI.

#include <cstdint>
#include <string>
#include <string_view>

namespace parley::mpi {

/// True when parley was built with MPI support.
[[nodiscard]] bool available() noexcept;

/// MPI for the lifetime of the object: initialises MPI on construction (unless it already is)
/// and finalises it on destruction. Create one per process, before any other call here.
class Session {
 public:
  Session();
  /// Finalises MPI, except while an exception leaves a job of several ranks: then MPI stays up
  /// so that abort_job_if_several() can end the other ranks.
  ~Session();
  Session(const Session&) = delete;
  Session& operator=(const Session&) = delete;

  /// This process's rank in MPI_COMM_WORLD, 0 <= rank < size (0 without MPI).
  [[nodiscard]] int rank() const noexcept { return rank_; }
  /// How many ranks there are, >= 1 (1 without MPI).
  [[nodiscard]] int size() const noexcept { return size_; }
  /// How many ranks share this node (1 without MPI), to share its cores among them.
  [[nodiscard]] int local_size() const noexcept { return local_size_; }

 private:
  int rank_ = 0;
  int size_ = 1;
  int local_size_ = 1;
  bool finalize_ = false;
};

/// Message tags of batches.
enum class Tag : int {
  block = 1,    ///< one block's rows, rank r -> 0
  state = 2,    ///< a rank's serialised batch state (at a checkpoint boundary or at the end)
  control = 3,  ///< at a segment boundary: rank r -> 0 its speed; rank 0 -> r where the next
                ///< segment ends and which rank computes which of its blocks
};

/// Sends `bytes` to rank `dest` and returns once the receiver has started receiving it
/// (synchronous send): a sender can never run more than its own buffer ahead of rank 0, so
/// memory stays bounded however long the batch. Sleeps while it waits (no busy polling).
void send(int dest, Tag tag, std::string_view bytes);
/// Receives the next message with `tag` from rank `source` into `bytes` (resized to fit).
/// Sleeps while it waits (no busy polling).
void receive(int source, Tag tag, std::string& bytes);
/// Rank 0's `value` on every rank (a collective: every rank must call it).
[[nodiscard]] std::uint64_t broadcast(std::uint64_t value);
/// Ends every rank of the job with `status` (for failures that other ranks cannot see).
[[noreturn]] void abort(int status);
/// For a process that is failing (an exception on its way out of a command): when it is one
/// rank of several, ends every rank of the job with `status`, since the others may be waiting for
/// its messages and would wait forever; with one rank (or MPI not running) returns at once.
void abort_job_if_several(int status);

}  // namespace parley::mpi
