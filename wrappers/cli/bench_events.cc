#include "wrappers/cli/bench_events.h"

#include <cstdint>
#include <cstdio>
#include <iterator>
#include <utility>

#include "absl/strings/str_replace.h"
#include "wrappers/cli/eval_events.h"

namespace fnguard::cli {
namespace {

RequestLine TypicalRequest() {
  RequestLine req;
  req.method = "POST";
  req.uri = "/v1/orders?customer=4711&currency=EUR&include=items,shipping&page=2";
  req.headers = {
      {"accept", "application/json, text/plain, */*"},
      {"accept-encoding", "gzip, deflate, br"},
      {"accept-language", "en-US,en;q=0.9,de;q=0.8"},
      {"authorization", "Bearer 3f1c9a7e5b2d4c6e8a0b1c2d3e4f5a6b"},
      {"content-type", "application/json"},
      {"cookie", "session=8f2a1c; theme=dark; consent=analytics"},
      {"host", "api.shop.example.com"},
      {"origin", "https://shop.example.com"},
      {"referer", "https://shop.example.com/checkout?step=2"},
      {"sec-ch-ua", "\"Chromium\";v=\"118\", \"Google Chrome\";v=\"118\", \"Not=A?Brand\";v=\"99\""},
      {"user-agent",
       "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) "
       "Chrome/118.0.0.0 Safari/537.36"},
      {"x-forwarded-for", "198.51.100.23"},
  };
  return req;
}

}  // namespace

std::string TypicalHttpApiEvent() {
  RequestLine req = TypicalRequest();
  req.body =
      R"({"customer":{"name":"Siobhán O'Brien","email":"siobhan.obrien@example.com","phone":"+353 1 555 0100"},)"
      R"("items":[{"sku":"BK-1049","qty":2,"note":"gift wrap, please!"},{"sku":"MG-77","qty":1}],)"
      R"("shipping":{"street":"12 Grafton St.","city":"Dublin","zip":"D02 X285"},"coupon":"AUTUMN-15%"})";
  return BuildRequestEvent(req);
}

std::vector<std::string> TypicalHttpApiEventVariants(size_t n, Variation variation) {
  const std::string base = TypicalHttpApiEvent();
  std::vector<std::string> out;
  out.reserve(n);
  char hex[40];
  for (size_t i = 0; i < n; ++i) {
    const std::string k = std::to_string(i);
    std::snprintf(hex, sizeof(hex), "%032zx", i * 2654435761u);
    std::vector<std::pair<std::string, std::string>> subs = {
        {"Siobhán O'Brien", "Siobhán O'Brien " + k},
        {"siobhan.obrien@", "siobhan.obrien" + k + "@"},
        {"555 0100", "555 " + std::to_string(1000 + i % 9000)},
        {"BK-1049", "BK-" + k},
        {"gift wrap, please!", "gift wrap for order " + k + ", please!"},
        {"12 Grafton St.", k + " Grafton St."},
        {"D02 X285", "D02 X" + k},
        {"4711", std::to_string(4711 + i)},
        {"3f1c9a7e5b2d4c6e8a0b1c2d3e4f5a6b", hex},
        {"8f2a1c", std::string(hex).substr(26)},
        {"198.51.100.23", "198.51." + std::to_string(i / 250 % 250) + "." + std::to_string(i % 250)},
    };
    if (variation == Variation::kAllValues) {
      for (const char* shared :
           {"gzip, deflate, br", "en-US,en;q=0.9,de;q=0.8", "api.shop.example.com",
            "https://shop.example.com/checkout?step=2", "Safari/537.36", "theme=dark",
            "consent=analytics", "AUTUMN-15%", "Dublin", "MG-77", "items,shipping", "Not=A?Brand",
            "*/*"}) {
        subs.emplace_back(shared, std::string(shared) + k);
      }
      subs.emplace_back("\"origin\":\"https://shop.example.com\"",
                        "\"origin\":\"https://shop" + k + ".example.com\"");
    }
    out.push_back(absl::StrReplaceAll(base, subs));
  }
  return out;
}

std::string LargeBenignJson(size_t approx_bytes) {
  static constexpr const char* kNames[] = {"Harbour Lantern", "Linen Throw", "Oak Side Table",
                                           "Müller's Tea Set", "Ceramic Mug (2-pack)",
                                           "Garden Hose 25 m", "Zoë's Recipe Book"};
  static constexpr const char* kSentences[] = {
      "Hand-finished in small batches, so no two pieces are exactly alike. ",
      "Measures 32 x 18 cm; weighs about 1.2 kg without the base. ",
      "Wipe clean with a damp cloth - don't use bleach or abrasive pads! ",
      "Our customers' favourite for 3 years running (4.8/5 from 1,204 reviews). ",
      "Ships within 2-3 working days; free returns within 30 days & 100% refund. ",
      "Pairs well with the matching coasters, sold separately at 20% off. ",
      "Made from recycled materials where possible: see our sustainability page. ",
      "Not suitable for children under 3 years: contains small parts. "};
  std::string json = "{\"catalog\":\"autumn\",\"products\":[";
  for (size_t i = 0; json.size() < approx_bytes; ++i) {
    if (i > 0) json.push_back(',');
    std::string description;
    for (size_t k = 0; description.size() < 1400; ++k) description += kSentences[(i + k * 3) % 8];
    json += "{\"id\":" + std::to_string(100000 + i) + ",\"sku\":\"SKU-" +
            std::to_string(i % 977) + "-" + std::to_string(i % 13) + "\",\"name\":\"" +
            kNames[i % 7] + "\",\"price\":" + std::to_string(10 + i % 90) + "." +
            std::to_string(i % 10) + "9,\"currency\":\"EUR\",\"in_stock\":" +
            (i % 3 == 0 ? "true" : "false") + ",\"tags\":[\"home\",\"gift\",\"autumn-" +
            std::to_string(i % 5) + "\"],\"description\":\"" + description + "\"}";
  }
  json += "]}";
  return json;
}

std::string LargeRecordsJson(size_t approx_bytes) {
  static constexpr const char* kStatus[] = {"paid", "shipped", "pending", "refunded", "cancelled"};
  static constexpr const char* kCountries[] = {"IE", "DE", "FR", "NL", "ES", "IT", "PT", "BE"};
  std::string json = "{\"export\":\"orders\",\"records\":[";
  // A fixed linear congruential sequence: the same body every run.
  uint64_t state = 0x9E3779B97F4A7C15u;
  const auto next = [&state](uint64_t bound) {
    state = state * 6364136223846793005u + 1442695040888963407u;
    return (state >> 33) % bound;
  };
  char buf[512];
  for (size_t i = 0; json.size() < approx_bytes; ++i) {
    if (i > 0) json.push_back(',');
    // One draw per statement: the order of a call's arguments is unspecified,
    // and the body must not depend on the compiler.
    const unsigned long long order = 10000000 + i;
    const unsigned long long customer = 100000 + next(900000);
    const char* status = kStatus[next(std::size(kStatus))];
    const unsigned long long day = 1 + next(28);
    const unsigned long long hour = next(24);
    const unsigned long long minute = next(60);
    const unsigned long long second = next(60);
    const unsigned long long euros = 1 + next(500);
    const unsigned long long cents = next(100);
    const char* country = kCountries[next(std::size(kCountries))];
    std::snprintf(buf, sizeof(buf),
                  "{\"order_id\":\"ORD-%08llu\",\"customer_id\":%llu,\"status\":\"%s\","
                  "\"created_at\":\"2026-11-%02lluT%02llu:%02llu:%02lluZ\",\"currency\":\"EUR\","
                  "\"total\":%llu.%02llu,\"country\":\"%s\",\"email\":\"customer%llu@example.com\","
                  "\"items\":[",
                  order, customer, status, day, hour, minute, second, euros, cents, country,
                  customer);
    json += buf;
    for (int item = 0; item < 2; ++item) {
      const unsigned long long sku = next(977);
      const unsigned long long variant = next(13);
      const unsigned long long qty = 1 + next(4);
      const unsigned long long price = 1 + next(99);
      const unsigned long long price_cents = next(100);
      std::snprintf(buf, sizeof(buf),
                    "%s{\"sku\":\"SKU-%llu-%llu\",\"qty\":%llu,\"price\":%llu.%02llu}",
                    item > 0 ? "," : "", sku, variant, qty, price, price_cents);
      json += buf;
    }
    const bool paid = next(5) != 0;
    const bool coupon = next(4) == 0;
    json += "],\"paid\":";
    json += paid ? "true" : "false";
    json += ",\"coupon\":";
    json += coupon ? "\"AUTUMN-15\"}" : "null}";
  }
  json += "]}";
  return json;
}

std::string LargeJsonBodyEvent(size_t approx_bytes, BodyShape shape) {
  RequestLine req = TypicalRequest();
  req.uri = "/v1/orders/import";
  req.body = shape == BodyShape::kRecords ? LargeRecordsJson(approx_bytes)
                                          : LargeBenignJson(approx_bytes);
  return BuildRequestEvent(req);
}

}  // namespace fnguard::cli
