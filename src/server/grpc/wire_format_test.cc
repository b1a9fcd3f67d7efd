// The generated classes against bytes written by hand from the upstream field numbers: proves the
// .proto files speak the StoreAPI wire format (numbers, types, packages, reserved fields).
#include <gmock/gmock.h>
#include <google/protobuf/descriptor.h>
#include <gtest/gtest.h>

#include <initializer_list>
#include <string>

#include "server/grpc/proto/health.pb.h"
#include "server/grpc/proto/hints.pb.h"
#include "server/grpc/proto/info.pb.h"
#include "server/grpc/proto/store_rpc.pb.h"

namespace charon::server::grpc {
namespace {

using google::protobuf::FieldDescriptor;

std::string Bytes(std::initializer_list<int> bytes) {
  std::string out;
  for (int b : bytes) out.push_back(static_cast<char>(b));
  return out;
}

TEST(WireFormat, FieldNumbersAndTypesMatchUpstream) {
  struct Case {
    const char* message;
    const char* field;
    int number;
    FieldDescriptor::Type type;
  };
  const Case cases[] = {
      {"thanos.SeriesRequest", "min_time", 1, FieldDescriptor::TYPE_INT64},
      {"thanos.SeriesRequest", "max_time", 2, FieldDescriptor::TYPE_INT64},
      {"thanos.SeriesRequest", "matchers", 3, FieldDescriptor::TYPE_MESSAGE},
      {"thanos.SeriesRequest", "max_resolution_window", 4, FieldDescriptor::TYPE_INT64},
      {"thanos.SeriesRequest", "aggregates", 5, FieldDescriptor::TYPE_ENUM},
      {"thanos.SeriesRequest", "partial_response_disabled", 6, FieldDescriptor::TYPE_BOOL},
      {"thanos.SeriesRequest", "partial_response_strategy", 7, FieldDescriptor::TYPE_ENUM},
      {"thanos.SeriesRequest", "skip_chunks", 8, FieldDescriptor::TYPE_BOOL},
      {"thanos.SeriesRequest", "hints", 9, FieldDescriptor::TYPE_MESSAGE},
      {"thanos.SeriesRequest", "step", 10, FieldDescriptor::TYPE_INT64},
      {"thanos.SeriesRequest", "range", 11, FieldDescriptor::TYPE_INT64},
      {"thanos.SeriesRequest", "query_hints", 12, FieldDescriptor::TYPE_MESSAGE},
      {"thanos.SeriesRequest", "shard_info", 13, FieldDescriptor::TYPE_MESSAGE},
      {"thanos.SeriesRequest", "without_replica_labels", 14, FieldDescriptor::TYPE_BYTES},
      {"thanos.SeriesRequest", "limit", 15, FieldDescriptor::TYPE_INT64},
      {"thanos.SeriesRequest", "response_batch_size", 16, FieldDescriptor::TYPE_INT64},
      {"thanos.QueryHints", "step_millis", 1, FieldDescriptor::TYPE_INT64},
      {"thanos.QueryHints", "grouping", 4, FieldDescriptor::TYPE_MESSAGE},
      {"thanos.QueryHints", "range", 5, FieldDescriptor::TYPE_MESSAGE},
      {"thanos.QueryHints", "series_hash_label_name", 8, FieldDescriptor::TYPE_BYTES},
      {"thanos.Grouping", "labels", 3, FieldDescriptor::TYPE_BYTES},
      {"thanos.ShardInfo", "labels", 4, FieldDescriptor::TYPE_BYTES},
      {"thanos.SeriesResponse", "series", 1, FieldDescriptor::TYPE_MESSAGE},
      {"thanos.SeriesResponse", "warning", 2, FieldDescriptor::TYPE_BYTES},
      {"thanos.SeriesResponse", "hints", 3, FieldDescriptor::TYPE_MESSAGE},
      {"thanos.SeriesResponse", "batch", 4, FieldDescriptor::TYPE_MESSAGE},
      {"thanos.LabelNamesRequest", "start", 3, FieldDescriptor::TYPE_INT64},
      {"thanos.LabelNamesRequest", "hints", 5, FieldDescriptor::TYPE_MESSAGE},
      {"thanos.LabelNamesRequest", "matchers", 6, FieldDescriptor::TYPE_MESSAGE},
      {"thanos.LabelNamesRequest", "limit", 8, FieldDescriptor::TYPE_INT64},
      {"thanos.LabelValuesRequest", "label", 1, FieldDescriptor::TYPE_BYTES},
      {"thanos.LabelValuesRequest", "hints", 6, FieldDescriptor::TYPE_MESSAGE},
      {"thanos.LabelValuesRequest", "limit", 9, FieldDescriptor::TYPE_INT64},
      {"thanos.LabelValuesResponse", "hints", 3, FieldDescriptor::TYPE_MESSAGE},
      {"thanos.InfoResponse", "storeType", 4, FieldDescriptor::TYPE_ENUM},
      {"thanos.InfoResponse", "label_sets", 5, FieldDescriptor::TYPE_MESSAGE},
      {"thanos.Chunk", "hash", 3, FieldDescriptor::TYPE_UINT64},
      {"thanos.AggrChunk", "counter", 8, FieldDescriptor::TYPE_MESSAGE},
      {"thanos.LabelMatcher", "value", 3, FieldDescriptor::TYPE_BYTES},
      {"thanos.Label", "name", 1, FieldDescriptor::TYPE_BYTES},
      {"thanos.ZLabelSet", "labels", 1, FieldDescriptor::TYPE_MESSAGE},
      {"hintspb.SeriesRequestHints", "enable_query_stats", 2, FieldDescriptor::TYPE_BOOL},
      {"hintspb.SeriesResponseHints", "query_stats", 2, FieldDescriptor::TYPE_MESSAGE},
      {"hintspb.QueryStats", "postings_to_fetch", 6, FieldDescriptor::TYPE_INT64},
      {"hintspb.QueryStats", "data_downloaded_size_sum", 20, FieldDescriptor::TYPE_INT64},
      {"hintspb.QueryStats", "merge_duration", 22, FieldDescriptor::TYPE_MESSAGE},
      {"thanos.info.InfoResponse", "ComponentType", 2, FieldDescriptor::TYPE_STRING},
      {"thanos.info.InfoResponse", "status", 9, FieldDescriptor::TYPE_MESSAGE},
      {"thanos.info.StoreInfo", "supports_sharding", 3, FieldDescriptor::TYPE_BOOL},
      {"thanos.info.StoreInfo", "supports_without_replica_labels", 5, FieldDescriptor::TYPE_BOOL},
      {"thanos.info.StoreInfo", "tsdb_infos", 6, FieldDescriptor::TYPE_MESSAGE},
      {"thanos.info.TSDBInfo", "max_time", 3, FieldDescriptor::TYPE_INT64},
  };
  const auto* pool = google::protobuf::DescriptorPool::generated_pool();
  for (const Case& c : cases) {
    SCOPED_TRACE(std::string(c.message) + "." + c.field);
    const google::protobuf::Descriptor* d = pool->FindMessageTypeByName(c.message);
    ASSERT_NE(d, nullptr);
    const FieldDescriptor* f = d->FindFieldByName(c.field);
    ASSERT_NE(f, nullptr);
    EXPECT_EQ(f->number(), c.number);
    EXPECT_EQ(f->type(), c.type);
  }
}

TEST(WireFormat, HandWrittenSeriesRequestParses) {
  const std::string wire =
      Bytes({0x08, 0x0a,  // 1 min_time = 10
             0x10, 0x14,  // 2 max_time = 20
             0x1a, 0x0b, 0x08, 0x02, 0x12, 0x03, 'j',  'o',  'b',  0x1a, 0x02, 'a', '.',  // 3
             0x2a, 0x01, 0x05,  // 5 aggregates = [COUNTER], packed
             0x40, 0x01,        // 8 skip_chunks
             0x6a, 0x09, 0x08, 0x01, 0x10, 0x04, 0x18, 0x01, 0x22, 0x01, 'a',  // 13 shard_info
             0x72, 0x02, 'r',  'l',  // 14 without_replica_labels
             0x78, 0x05,             // 15 limit = 5
             0x80, 0x01, 0x40});     // 16 response_batch_size = 64
  thanos::SeriesRequest req;
  ASSERT_TRUE(req.ParseFromString(wire));
  EXPECT_EQ(req.min_time(), 10);
  EXPECT_EQ(req.max_time(), 20);
  ASSERT_EQ(req.matchers_size(), 1);
  EXPECT_EQ(req.matchers(0).type(), thanos::LabelMatcher::RE);
  EXPECT_EQ(req.matchers(0).name(), "job");
  EXPECT_EQ(req.matchers(0).value(), "a.");
  ASSERT_EQ(req.aggregates_size(), 1);
  EXPECT_EQ(req.aggregates(0), thanos::COUNTER);
  EXPECT_TRUE(req.skip_chunks());
  EXPECT_EQ(req.shard_info().shard_index(), 1);
  EXPECT_EQ(req.shard_info().total_shards(), 4);
  EXPECT_TRUE(req.shard_info().by());
  EXPECT_EQ(req.shard_info().labels(0), "a");
  EXPECT_EQ(req.without_replica_labels(0), "rl");
  EXPECT_EQ(req.limit(), 5);
  EXPECT_EQ(req.response_batch_size(), 64);
  // And back, byte for byte (fields are written in number order).
  EXPECT_EQ(req.SerializeAsString(), wire);
}

TEST(WireFormat, StoreInfoKeepsFourReserved) {
  const auto* d = thanos::info::StoreInfo::descriptor();
  EXPECT_TRUE(d->IsReservedNumber(4));
  EXPECT_EQ(d->FindFieldByNumber(4), nullptr);

  // An old peer's send_sorted (4) is skipped; 5 is supports_without_replica_labels.
  thanos::info::StoreInfo info;
  ASSERT_TRUE(
      info.ParseFromString(Bytes({0x08, 0x01, 0x10, 0x02, 0x18, 0x01, 0x20, 0x01, 0x28, 0x01})));
  EXPECT_EQ(info.min_time(), 1);
  EXPECT_EQ(info.max_time(), 2);
  EXPECT_TRUE(info.supports_sharding());
  EXPECT_TRUE(info.supports_without_replica_labels());
  const auto& unknown = info.GetReflection()->GetUnknownFields(info);
  ASSERT_EQ(unknown.field_count(), 1);
  EXPECT_EQ(unknown.field(0).number(), 4);

  thanos::info::StoreInfo out;
  out.set_supports_without_replica_labels(true);
  EXPECT_EQ(out.SerializeAsString(), Bytes({0x28, 0x01}));
}

TEST(WireFormat, ResponsesEncodeWithUpstreamNumbers) {
  thanos::SeriesResponse batch;
  batch.mutable_batch()->add_series()->add_labels()->set_name("a");
  EXPECT_EQ(batch.SerializeAsString(),
            Bytes({0x22, 0x07, 0x0a, 0x05, 0x0a, 0x03, 0x0a, 0x01, 'a'}));

  thanos::Chunk chunk;
  chunk.set_type(thanos::Chunk::FLOAT_HISTOGRAM);
  chunk.set_data("ab");
  chunk.set_hash(1);
  EXPECT_EQ(chunk.SerializeAsString(), Bytes({0x08, 0x02, 0x12, 0x02, 'a', 'b', 0x18, 0x01}));

  thanos::InfoResponse legacy;
  legacy.set_storetype(thanos::STORE);
  EXPECT_EQ(legacy.SerializeAsString(), Bytes({0x20, 0x04}));

  thanos::info::InfoResponse info;
  info.set_componenttype("store");
  info.mutable_store();
  EXPECT_EQ(info.SerializeAsString(), Bytes({0x12, 0x05, 's', 't', 'o', 'r', 'e', 0x1a, 0x00}));

  ::grpc::health::v1::HealthCheckResponse health;
  health.set_status(::grpc::health::v1::HealthCheckResponse::NOT_SERVING);
  EXPECT_EQ(health.SerializeAsString(), Bytes({0x08, 0x02}));
}

TEST(WireFormat, LabelsAcceptAnyBytes) {
  thanos::Label label;
  ASSERT_TRUE(label.ParseFromString(Bytes({0x0a, 0x02, 0xff, 0xfe, 0x12, 0x01, 0x80})));
  EXPECT_EQ(label.name(), "\xff\xfe");
  EXPECT_EQ(label.value(), "\x80");
}

TEST(WireFormat, AnyTypeUrlsNameThePackages) {
  google::protobuf::Any any;
  any.PackFrom(hintspb::SeriesRequestHints());
  EXPECT_EQ(any.type_url(), "type.googleapis.com/hintspb.SeriesRequestHints");
  any.PackFrom(hintspb::SeriesResponseHints());
  EXPECT_EQ(any.type_url(), "type.googleapis.com/hintspb.SeriesResponseHints");
  any.PackFrom(hintspb::LabelNamesRequestHints());
  EXPECT_EQ(any.type_url(), "type.googleapis.com/hintspb.LabelNamesRequestHints");
  any.PackFrom(hintspb::LabelValuesResponseHints());
  EXPECT_EQ(any.type_url(), "type.googleapis.com/hintspb.LabelValuesResponseHints");
}

TEST(WireFormat, ServiceAndMethodNames) {
  const auto* pool = google::protobuf::DescriptorPool::generated_pool();
  for (const char* method :
       {"thanos.Store.Series", "thanos.Store.LabelNames", "thanos.Store.LabelValues",
        "thanos.Store.Info", "thanos.info.Info.Info", "grpc.health.v1.Health.Check",
        "grpc.health.v1.Health.Watch"}) {
    SCOPED_TRACE(method);
    EXPECT_NE(pool->FindMethodByName(method), nullptr);
  }
  EXPECT_TRUE(pool->FindMethodByName("thanos.Store.Series")->server_streaming());
}

}  // namespace
}  // namespace charon::server::grpc
