// The names of event kinds and value locations: they appear in verdicts and
// reported events, and guard.cc maps a kind name back to IsHttpKind(), so
// each must be stable and unique.
#include "runtime/event/event.h"

#include <iterator>
#include <set>
#include <string_view>

#include "gtest/gtest.h"

namespace fnguard::event {
namespace {

constexpr Kind kAllKinds[] = {Kind::kGeneric,     Kind::kApiGatewayV1, Kind::kApiGatewayV2,
                              Kind::kFunctionUrl, Kind::kAlb,          Kind::kWebSocket,
                              Kind::kSqs,         Kind::kSns,          Kind::kEventBridge,
                              Kind::kKinesis,     Kind::kKafka,        Kind::kS3,
                              Kind::kCloudWatchLogs};

constexpr Location kAllLocations[] = {Location::kPath,   Location::kQuery, Location::kHeader,
                                      Location::kCookie, Location::kParam, Location::kBody,
                                      Location::kMessage, Location::kOther};

TEST(EventNamesTest, KindAndLocationNames) {
  EXPECT_EQ(KindName(Kind::kGeneric), "generic");
  EXPECT_EQ(KindName(Kind::kApiGatewayV2), "apigw-v2");
  EXPECT_EQ(KindName(Kind::kAlb), "alb");
  EXPECT_EQ(KindName(Kind::kSqs), "sqs");
  EXPECT_EQ(KindName(Kind::kSns), "sns");
  EXPECT_EQ(KindName(Kind::kEventBridge), "eventbridge");
  EXPECT_EQ(KindName(Kind::kKinesis), "kinesis");
  EXPECT_EQ(KindName(Kind::kKafka), "kafka");
  EXPECT_EQ(KindName(Kind::kS3), "s3");
  EXPECT_EQ(KindName(Kind::kCloudWatchLogs), "cloudwatch-logs");
  EXPECT_EQ(LocationName(Location::kPath), "path");
  EXPECT_EQ(LocationName(Location::kQuery), "query");
  EXPECT_EQ(LocationName(Location::kHeader), "header");
  EXPECT_EQ(LocationName(Location::kCookie), "cookie");
  EXPECT_EQ(LocationName(Location::kParam), "param");
  EXPECT_EQ(LocationName(Location::kBody), "body");
  EXPECT_EQ(LocationName(Location::kMessage), "message");
  EXPECT_EQ(LocationName(Location::kOther), "other");
  EXPECT_FALSE(IsHttpKind(Kind::kWebSocket));
  EXPECT_TRUE(IsHttpKind(Kind::kFunctionUrl));
}

TEST(EventNamesTest, EveryKindHasItsOwnName) {
  EXPECT_EQ(KindName(Kind::kApiGatewayV1), "apigw-v1");
  EXPECT_EQ(KindName(Kind::kFunctionUrl), "function-url");
  EXPECT_EQ(KindName(Kind::kWebSocket), "websocket");
  std::set<std::string_view> names;
  for (Kind kind : kAllKinds) {
    std::string_view name = KindName(kind);
    EXPECT_FALSE(name.empty()) << static_cast<int>(kind);
    EXPECT_TRUE(names.insert(name).second) << "duplicate kind name " << name;
  }
  EXPECT_EQ(names.size(), std::size(kAllKinds));
}

TEST(EventNamesTest, EveryLocationHasItsOwnName) {
  std::set<std::string_view> names;
  for (Location loc : kAllLocations) {
    std::string_view name = LocationName(loc);
    EXPECT_FALSE(name.empty()) << static_cast<int>(loc);
    EXPECT_TRUE(names.insert(name).second) << "duplicate location name " << name;
  }
  EXPECT_EQ(names.size(), std::size(kAllLocations));
}

TEST(EventNamesTest, ValuesOutsideTheEnumsFallBackToTheGenericNames) {
  // A corrupted or future value must still name something a reader knows.
  EXPECT_EQ(KindName(static_cast<Kind>(200)), "generic");
  EXPECT_EQ(LocationName(static_cast<Location>(200)), "other");
  EXPECT_FALSE(IsHttpKind(static_cast<Kind>(200)));
}

TEST(EventKindTest, HttpKindsAreExactlyTheOnesAnsweredWithStatusCode) {
  // These expect {"statusCode":...}; queue and bus events must not get an
  // HTTP-shaped block response.
  const std::set<Kind> http = {Kind::kApiGatewayV1, Kind::kApiGatewayV2, Kind::kFunctionUrl,
                               Kind::kAlb};
  for (Kind kind : kAllKinds) {
    EXPECT_EQ(IsHttpKind(kind), http.count(kind) == 1) << KindName(kind);
  }
}

TEST(DecodedEventTest, ClearResetsEverything) {
  DecodedEvent ev;
  ev.kind = Kind::kSqs;
  ev.content_type = "application/json";
  ev.method = "POST";
  ev.fields.push_back(Field{"body.a", "x", Location::kBody, false});
  ev.limit_findings.push_back(LimitFinding{"max_depth", "body", "too deep"});
  ev.Clear();
  EXPECT_EQ(ev.kind, Kind::kGeneric);
  EXPECT_TRUE(ev.content_type.empty());
  EXPECT_TRUE(ev.method.empty());
  EXPECT_TRUE(ev.fields.empty());
  EXPECT_TRUE(ev.limit_findings.empty());
}

}  // namespace
}  // namespace fnguard::event
