#include "store/store_metrics.h"

#include <gtest/gtest.h>
#include <prometheus/registry.h>
#include <prometheus/text_serializer.h>

#include <string>

namespace charon::store {
namespace {

TEST(StoreMetrics, GateWaitIsExposedUnderTheCurrentAndTheMixinName) {
  prometheus::Registry registry;
  StoreMetrics metrics(registry);
  metrics.gate_duration.Observe(0.5);
  const std::string text = prometheus::TextSerializer().Serialize(registry.Collect());
  for (const char* name : {"thanos_bucket_store_series_gate_queries_duration_seconds",
                           "thanos_bucket_store_series_gate_duration_seconds"}) {
    SCOPED_TRACE(name);
    EXPECT_NE(text.find(std::string("# TYPE ") + name + " histogram"), std::string::npos);
    EXPECT_NE(text.find(std::string(name) + "_count 1\n"), std::string::npos);
    EXPECT_NE(text.find(std::string(name) + "_sum 0.5\n"), std::string::npos);
  }
}

}  // namespace
}  // namespace charon::store
