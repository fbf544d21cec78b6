// fnguard/status.h: errors as values.
//
// Nothing in fnguard's public API throws. Fallible calls return `Status` or
// `StatusOr<T>`; check `ok()` before using the value.
//
//   fnguard::StatusOr<std::unique_ptr<fnguard::Guard>> g = fnguard::Guard::FromEnv();
//   if (!g.ok()) { fprintf(stderr, "%s\n", g.status().ToString().c_str()); return 1; }
//
// Thread-safety: plain values; copy freely.
#ifndef FNGUARD_STATUS_H_
#define FNGUARD_STATUS_H_

#include <cassert>
#include <optional>
#include <string>
#include <string_view>
#include <utility>

#include "fnguard/export.h"

namespace fnguard {

// Error categories, numbered like absl::StatusCode for easy mapping.
enum class StatusCode : int {
  kOk = 0,
  kInvalidArgument = 3,
  kDeadlineExceeded = 4,
  kNotFound = 5,
  kPermissionDenied = 7,
  kResourceExhausted = 8,
  kFailedPrecondition = 9,
  kInternal = 13,
  kUnavailable = 14,
};

class FNGUARD_API Status {
 public:
  Status() = default;  // OK
  Status(StatusCode code, std::string message) : code_(code), message_(std::move(message)) {}

  static Status Ok() { return Status(); }

  [[nodiscard]] bool ok() const { return code_ == StatusCode::kOk; }
  [[nodiscard]] StatusCode code() const { return code_; }
  [[nodiscard]] const std::string& message() const { return message_; }
  // "INVALID_ARGUMENT: policy.yaml:3: unknown key 'mdoe'".
  [[nodiscard]] std::string ToString() const;

 private:
  StatusCode code_ = StatusCode::kOk;
  std::string message_;
};

// A value or the error that prevented it.
template <typename T>
class StatusOr {
 public:
  StatusOr(T value) : value_(std::move(value)) {}  // NOLINT: implicit by design
  StatusOr(Status status) : status_(std::move(status)) {  // NOLINT
    if (status_.ok()) status_ = Status(StatusCode::kInternal, "StatusOr built from an OK status");
  }

  [[nodiscard]] bool ok() const { return value_.has_value(); }
  [[nodiscard]] const Status& status() const { return status_; }

  T& value() & { assert(ok()); return *value_; }
  const T& value() const& { assert(ok()); return *value_; }
  T&& value() && { assert(ok()); return std::move(*value_); }
  T& operator*() & { return value(); }
  const T& operator*() const& { return value(); }
  T* operator->() { return &value(); }
  const T* operator->() const { return &value(); }

 private:
  Status status_;
  std::optional<T> value_;
};

}  // namespace fnguard

#endif  // FNGUARD_STATUS_H_
