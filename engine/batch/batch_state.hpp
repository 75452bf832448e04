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

/// What run_batch throws (as std::runtime_error) when a saved state does not fit the batch.
inline constexpr const char* kUnfitState = "saved batch state does not fit this batch";

/// Failure count, every option's statistics, and observer states (one per rank whose observer
/// contributed; kept apart because an observer only knows how to merge saves).
struct BatchState {
  std::uint64_t failed = 0;
  std::vector<OptionStats> stats;
  std::vector<std::string> observers;
};

/// Adds every option's statistics of `from` to `into` (same shape; exact, order-independent).
void merge_stats(std::vector<OptionStats>& into, const std::vector<OptionStats>& from) noexcept;

/// Encodes a state (the format of checkpoints and MPI state messages) with ByteWriter: its
/// magic word, the failure count, every option's statistics, then each observer's state as a
/// nested byte string.
[[nodiscard]] std::string encode_state(const BatchState& state);

/// Decodes a state whose statistics must have the shape of `shape` (the same options, metrics,
/// ranges and bins). Throws std::runtime_error(kUnfitState) on
/// any mismatch, a wrong magic word, a truncated state or bytes after its end: a state comes
/// from a checkpoint of the same batch (checked by fingerprint) or from another rank, so any of
/// these means damage, never a state to read anyway.
[[nodiscard]] BatchState decode_state(std::string_view in, const std::vector<OptionStats>& shape);

}  // namespace parley
