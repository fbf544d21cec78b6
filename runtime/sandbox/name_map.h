// NameMap: which host names the process resolved to which addresses, so that
// the socket guard can apply host rules to a bare connect(address).
//
// The resolver hooks (getaddrinfo, gethostbyname*) record every (address,
// name) pair they return; connect() looks the address up. The table is
// bounded: kSlots entries in an open-addressed table, each address probing a
// window of kWindow slots; a full window overwrites its oldest entry, so an
// address resolved long ago may be forgotten (and is then judged as a bare
// address: denied unless an allow cidr contains it).
//
//   NameMap& names = ProcessNameMap();
//   names.Record(address, "api.example.com");
//   ResolvedNames found;
//   names.Lookup(address, &found);   // found.names() == {"api.example.com"}
//
// Names are stored lower-case without a trailing dot; numeric hosts are not
// recorded. IPv4-mapped IPv6 addresses are stored and looked up as IPv4.
//
// Thread-safety: Record() serializes writers on a mutex; Lookup() is
// lock-free (a sequence lock per slot), allocates nothing and is
// async-signal-safe.
#ifndef FNGUARD_RUNTIME_SANDBOX_NAME_MAP_H_
#define FNGUARD_RUNTIME_SANDBOX_NAME_MAP_H_

#include <array>
#include <atomic>
#include <cstddef>
#include <cstdint>
#include <mutex>
#include <span>
#include <string_view>

#include "policy/hosts.h"

namespace fnguard::sandbox {

// The names found for one address (views into this object).
class ResolvedNames {
 public:
  static constexpr size_t kMax = 8;
  std::span<const std::string_view> names() const { return {views_.data(), count_}; }
  size_t size() const { return count_; }

 private:
  friend class NameMap;
  bool Add(const char* name, size_t length);
  size_t count_ = 0;
  std::array<std::array<char, 256>, kMax> storage_;  // only [0, count_) is written
  std::array<std::string_view, kMax> views_;
};

class NameMap {
 public:
  static constexpr size_t kSlots = 512;
  static constexpr size_t kWindow = 8;

  NameMap() = default;
  NameMap(const NameMap&) = delete;
  NameMap& operator=(const NameMap&) = delete;

  // Records that `name` resolved to `address`. Ignores empty, over-long and
  // numeric names.
  void Record(const policy::IpAddress& address, std::string_view name);
  // Fills `out` with the names recorded for `address`, most recent first.
  void Lookup(const policy::IpAddress& address, ResolvedNames* out) const;
  // Forgets everything.
  void Clear();

 private:
  static constexpr size_t kNameWords = 32;  // 256 bytes
  struct Slot {
    std::atomic<uint32_t> seq{0};        // odd while being written
    std::atomic<uint64_t> stamp{0};      // write order; 0 = empty
    std::atomic<uint64_t> key[3] = {};   // family, address bytes 0-7, 8-15
    std::atomic<uint32_t> name_length{0};
    std::atomic<uint64_t> name[kNameWords] = {};
  };

  std::array<Slot, kSlots> slots_;
  std::mutex write_mu_;
  uint64_t next_stamp_ = 1;  // guarded by write_mu_
};

// The process-wide map the hooks use.
NameMap& ProcessNameMap();

// `address` with an IPv4-mapped IPv6 address turned into its IPv4 address.
policy::IpAddress CanonicalAddress(const policy::IpAddress& address);

}  // namespace fnguard::sandbox

#endif  // FNGUARD_RUNTIME_SANDBOX_NAME_MAP_H_
