#pragma once
/// \file
/// The state of a batch between blocks, as checkpoints save it and MPI ranks send it: the
/// failure count, every option's statistics and the observers' saved states. Internal to
/// run_batch; the bytes are opaque to BatchCheckpointer.

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "engine/batch/option_stats.hpp"

namespace parley {

/// Failure count, every option's statistics, and observer states (one per rank whose observer
/// contributed; kept apart because an observer only knows how to merge saves).
struct BatchState {
  std::uint64_t failed = 0;
  std::vector<OptionStats> stats;
  std::vector<std::string> observers;
};

/// Adds every option's statistics of `from` to `into` (same shape; exact, order-independent).
void merge_stats(std::vector<OptionStats>& into, const std::vector<OptionStats>& from) noexcept;

/// Encodes a state (the format of checkpoints and MPI state messages, versioned by a magic).
[[nodiscard]] std::string encode_state(const BatchState& state);

/// Decodes a state whose statistics must have the shape of `shape`. Throws std::runtime_error
/// on any mismatch: a state comes from a checkpoint of the same batch (checked by fingerprint)
/// or from another rank.
[[nodiscard]] BatchState decode_state(std::string_view in, const std::vector<OptionStats>& shape);

}  // namespace parley
