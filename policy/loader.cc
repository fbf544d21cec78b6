// LoadPolicyText / LoadPolicyFile / DefaultPolicy: document -> schema ->
// compile. Nothing here throws: yaml-cpp exceptions are caught in
// document.cc, and any other failure becomes an error status.
#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>

#include "policy/compile.h"
#include "policy/document.h"
#include "policy/policy.h"
#include "policy/schema.h"
#include "policy/text.h"

namespace fnguard::policy {

std::shared_ptr<const Policy> DefaultPolicy() {
  static const std::shared_ptr<const Policy> kDefault = [] {
    auto policy = std::make_shared<Policy>();
    policy->source = "<defaults>";
    return std::shared_ptr<const Policy>(std::move(policy));
  }();
  return kDefault;
}

absl::StatusOr<std::shared_ptr<const Policy>> LoadPolicyText(std::string_view text,
                                                             std::string_view source_name) {
  try {
    absl::StatusOr<Document> doc = ParseDocument(text, source_name);
    if (!doc.ok()) return doc.status();
    absl::StatusOr<SchemaResult> schema = ReadPolicyDocument(*doc, source_name);
    if (!schema.ok()) return schema.status();
    return CompilePolicy(schema->proto, source_name, std::move(schema->locations));
  } catch (const std::exception& e) {
    return absl::InternalError(Cat(source_name, ": cannot load policy: ", e.what()));
  } catch (...) {
    return absl::InternalError(Cat(source_name, ": cannot load policy"));
  }
}

absl::StatusOr<std::shared_ptr<const Policy>> LoadPolicyFile(const std::string& path) {
  std::error_code ec;
  if (std::filesystem::is_directory(path, ec)) {
    return absl::InvalidArgumentError(Cat(path, ": is a directory, not a policy file"));
  }
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    return absl::NotFoundError(Cat(path, ": cannot open policy file: ", std::strerror(errno)));
  }
  // Read at most one byte more than the limit so that an oversized (or
  // endless, like /dev/zero) file is rejected without reading it all.
  std::string text(kMaxPolicyBytes + 1, '\0');
  in.read(text.data(), static_cast<std::streamsize>(text.size()));
  if (in.bad()) {
    return absl::InvalidArgumentError(Cat(path, ": cannot read policy file"));
  }
  text.resize(static_cast<size_t>(in.gcount()));
  if (text.size() > kMaxPolicyBytes) {
    return absl::InvalidArgumentError(
        Cat(path, ": policy file is larger than ", kMaxPolicyBytes, " bytes (1 MiB)"));
  }
  return LoadPolicyText(text, path);
}

}  // namespace fnguard::policy
