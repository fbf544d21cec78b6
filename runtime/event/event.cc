#include "runtime/event/event.h"

namespace fnguard::event {

std::string_view LocationName(Location loc) {
  switch (loc) {
    case Location::kPath:
      return "path";
    case Location::kQuery:
      return "query";
    case Location::kHeader:
      return "header";
    case Location::kCookie:
      return "cookie";
    case Location::kParam:
      return "param";
    case Location::kBody:
      return "body";
    case Location::kMessage:
      return "message";
    case Location::kOther:
      return "other";
  }
  return "other";
}

std::string_view KindName(Kind kind) {
  switch (kind) {
    case Kind::kGeneric:
      return "generic";
    case Kind::kApiGatewayV1:
      return "apigw-v1";
    case Kind::kApiGatewayV2:
      return "apigw-v2";
    case Kind::kFunctionUrl:
      return "function-url";
    case Kind::kAlb:
      return "alb";
    case Kind::kWebSocket:
      return "websocket";
    case Kind::kSqs:
      return "sqs";
    case Kind::kSns:
      return "sns";
    case Kind::kEventBridge:
      return "eventbridge";
    case Kind::kKinesis:
      return "kinesis";
    case Kind::kKafka:
      return "kafka";
    case Kind::kS3:
      return "s3";
    case Kind::kCloudWatchLogs:
      return "cloudwatch-logs";
  }
  return "generic";
}

bool IsHttpKind(Kind kind) {
  return kind == Kind::kApiGatewayV1 || kind == Kind::kApiGatewayV2 || kind == Kind::kFunctionUrl ||
         kind == Kind::kAlb;
}

}  // namespace fnguard::event
