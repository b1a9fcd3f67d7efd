// The `type: AZURE` objstore config of Thanos (github.com/thanos-io/objstore providers/azure):
// keys, defaults and validation, and how they resolve to a container URL and a Shared Key.
//
//   config:
//     storage_account: "acct"              # required
//     storage_account_key: "<base64>"      # Shared Key auth
//     storage_connection_string: "..."     # or: endpoint, account and key from here
//     container: "thanos"                  # required
//     endpoint: "blob.core.windows.net"    # blob URL https://<account>.<endpoint>/<container>
//     max_retries: 0                       # > 0: default of max_tries and max_retry_requests
//     reader_config: {max_retry_requests: 0}
//     pipeline_config: {max_tries: 0, try_timeout: 0s, retry_delay: 0s, max_retry_delay: 0s}
//     http_config: {...}                   # the shared ParseHttpConfig
//
// Only Shared Key authorization is implemented (a key or a connection string with AccountKey).
// Managed identities (no key, user_assigned_id, msi_resource), client secrets (az_tenant_id,
// client_id, client_secret) and SAS connection strings are refused with Unimplemented.
#ifndef CHARON_OBJSTORE_AZURE_AZURE_CONFIG_H_
#define CHARON_OBJSTORE_AZURE_AZURE_CONFIG_H_

#include <string>
#include <string_view>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "config/yaml_fields.h"
#include "objstore/http/http_client.h"

namespace charon::objstore::azure {

struct AzureConfig {
  std::string storage_account;
  std::string storage_account_key;
  std::string storage_connection_string;
  std::string container;
  std::string endpoint = "blob.core.windows.net";
  std::string user_assigned_id;
  std::string msi_resource;
  std::string az_tenant_id;
  std::string client_id;
  std::string client_secret;
  bool storage_create_container = true;
  int max_retries = 0;
  int max_retry_requests = 0;  // reader_config
  // pipeline_config; 0 = the Azure SDK's default.
  int max_tries = 0;
  absl::Duration try_timeout = absl::ZeroDuration();
  absl::Duration retry_delay = absl::ZeroDuration();
  absl::Duration max_retry_delay = absl::ZeroDuration();
  http::HttpConfig http_config;
};

// Reads and validates the `config` map. InvalidArgument naming the key for unknown keys, bad
// values, missing storage_account/container, conflicting auth settings; Unimplemented for the
// authentication methods listed above.
absl::StatusOr<AzureConfig> ParseAzureConfig(const config::YamlMap& map);

// Azure Storage connection string fields ("Key=Value;..."), e.g.
// "DefaultEndpointsProtocol=http;AccountName=devstoreaccount1;AccountKey=...;
//  BlobEndpoint=http://127.0.0.1:10000/devstoreaccount1;".
struct ConnectionString {
  std::string protocol = "https";  // DefaultEndpointsProtocol
  std::string account_name;
  std::string account_key;
  std::string blob_endpoint;  // "" when absent
  std::string endpoint_suffix = "core.windows.net";
  std::string shared_access_signature;
};

// InvalidArgument for an entry without '=' or an empty string. "UseDevelopmentStorage=true" gives
// the emulator's well-known account on 127.0.0.1:10000.
absl::StatusOr<ConnectionString> ParseConnectionString(std::string_view s);

// Where requests go and how they are signed.
struct AzureTarget {
  std::string container_url;  // no trailing '/'
  std::string account;        // for signing and Name()
  std::string account_key;    // base64
  std::string container;
};

// InvalidArgument/Unimplemented as ParseAzureConfig (the connection string is checked here).
absl::StatusOr<AzureTarget> ResolveTarget(const AzureConfig& config);

// The retry policy of `config` with the Go Azure SDK's defaults: max_tries is the number of
// retries (0 = 3), backoff from retry_delay (0 = 800ms) doubling up to max_retry_delay (0 = 60s).
http::RetryPolicy RetryPolicyOf(const AzureConfig& config);

}  // namespace charon::objstore::azure

#endif  // CHARON_OBJSTORE_AZURE_AZURE_CONFIG_H_
