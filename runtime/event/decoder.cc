// PLACEHOLDER: replaced by the real decoder.
#include "runtime/event/event.h"

namespace fnguard::event {
struct Decoder::State {};
Decoder::Decoder(Limits limits) : limits_(limits), state_(std::make_unique<State>()) {}
Decoder::~Decoder() = default;
absl::Status Decoder::Decode(std::string_view, DecodedEvent* out) {
  out->Clear();
  return absl::OkStatus();
}
std::string_view LocationName(Location) { return "other"; }
std::string_view KindName(Kind) { return "generic"; }
bool IsHttpKind(Kind k) { return k == Kind::kApiGatewayV1 || k == Kind::kApiGatewayV2 || k == Kind::kFunctionUrl || k == Kind::kAlb; }
}  // namespace fnguard::event
