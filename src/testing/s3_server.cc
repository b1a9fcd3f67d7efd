#include "testing/s3_server.h"

#include <filesystem>
#include <system_error>
#include <vector>

#include "absl/strings/str_cat.h"
#include "base/percent_encoding.h"
#include "base/status_macros.h"
#include "base/strings.h"
#include "testing/free_port.h"
#include "testing/node_tools.h"

namespace charon::testing {
namespace {

// Loaded in front of s3rver's command line: replaces two methods of its filesystem store whose
// answers differ from S3's in ways the Bucket conformance suite notices (s3rver 3.7.1):
//  - listObjects skips directories below a common prefix (so "a/" is missing when only "a/b/c"
//    exists) and walks in directory order, not byte order. Here: every key, sorted by bytes;
//    only listings without a delimiter are paginated, because s3rver's controller continues a
//    listing from the page's last object key.
//  - getObject serves "bytes=0-0" as the whole object and ranges of empty objects as one byte.
//    Here: exact ranges, and 416 for a range that starts at or past the end.
constexpr char kS3rverFixes[] = R"js('use strict';
const fs = require('fs');
const path = require('path');
const pkg = process.env.S3RVER_PACKAGE_DIR;
const FilesystemStore = require(path.join(pkg, 'lib/stores/filesystem'));
const S3Object = require(path.join(pkg, 'lib/models/object'));
const SUFFIX = '._S3rver_object';
const byteCompare = (a, b) => Buffer.compare(Buffer.from(a), Buffer.from(b));

function* objectKeys(dir, rel) {
  for (const name of fs.readdirSync(dir)) {
    const full = path.join(dir, name);
    if (fs.statSync(full).isDirectory()) {
      yield* objectKeys(full, rel + name + '/');
    } else if (name.endsWith(SUFFIX)) {
      yield rel + name.slice(0, -SUFFIX.length);
    }
  }
}

FilesystemStore.prototype.listObjects = async function (bucket, options) {
  const { delimiter = '', startAfter = '', prefix = '', maxKeys = Infinity } = options;
  const keys = [...objectKeys(this.getBucketPath(bucket), '')]
    .filter(k => k.startsWith(prefix) && (!startAfter || byteCompare(k, startAfter) > 0))
    .sort(byteCompare);
  const objects = [];
  const prefixes = new Set();
  let isTruncated = false;
  for (const key of keys) {
    const idx = delimiter ? key.indexOf(delimiter, prefix.length) : -1;
    if (idx !== -1) {
      prefixes.add(key.slice(0, idx + delimiter.length));
      continue;
    }
    if (!delimiter && objects.length >= maxKeys) {
      isTruncated = true;
      break;
    }
    objects.push(key);
  }
  const metas = await Promise.all(objects.map(k => this.getMetadata(bucket, k)));
  return {
    objects: objects.map((k, i) => new S3Object(bucket, k, null, metas[i])),
    commonPrefixes: [...prefixes].sort(byteCompare),
    isTruncated,
  };
};

FilesystemStore.prototype.getObject = async function (bucket, key, options) {
  let metadata;
  try {
    metadata = await this.getMetadata(bucket, key);
  } catch (err) {
    if (err.code === 'ENOENT') return null;
    throw err;
  }
  const size = Number(metadata['content-length']);
  const ranged = !!options && (options.start !== undefined || options.end !== undefined);
  const start = ranged ? options.start || 0 : 0;
  const end = Math.min(ranged && options.end !== undefined ? options.end : size - 1, size - 1);
  if (ranged && (start >= size || end < start)) {
    const unsatisfiable = new S3Object(bucket, key, null, metadata);
    unsatisfiable.range = { start, end };
    return unsatisfiable;
  }
  const file = this.getResourcePath(bucket, key, 'object');
  const content = size === 0 ? fs.createReadStream(file) : fs.createReadStream(file, { start, end });
  await new Promise((resolve, reject) => content.on('open', resolve).on('error', reject));
  const object = new S3Object(bucket, key, content, metadata);
  if (ranged) object.range = { start, end };
  return object;
};

require(path.join(pkg, 'bin/s3rver.js'));
)js";

}  // namespace

absl::StatusOr<std::unique_ptr<S3Server>> S3Server::Start(S3ServerOptions options) {
  CHARON_ASSIGN_OR_RETURN(std::string s3rver, NodeToolPath("s3rver"));
  CHARON_ASSIGN_OR_RETURN(TempDir dir, TempDir::Create("s3rver"));
  // .bin/s3rver links to <package>/bin/s3rver.js.
  std::error_code ec;
  std::filesystem::path script = std::filesystem::canonical(s3rver, ec);
  if (ec) return absl::NotFoundError(absl::StrCat(s3rver, ": ", ec.message()));
  const std::string package_dir = script.parent_path().parent_path().string();
  const std::string fixes = dir.Path("s3rver_fixes.js");
  CHARON_RETURN_IF_ERROR(WriteFile(fixes, kS3rverFixes));
  absl::Status last = absl::UnavailableError("s3rver did not start");
  // PickFreePort can race with another process taking the port: try a few.
  for (int attempt = 0; attempt < 3; ++attempt) {
    CHARON_ASSIGN_OR_RETURN(int port, PickFreePort());
    ChildProcessOptions child;
    child.argv = {"node", fixes,       "-d", dir.Path("data"),
                  "-a",   "127.0.0.1", "-p", absl::StrCat(port)};
    child.env = {{"S3RVER_PACKAGE_DIR", package_dir}};
    if (!options.service_endpoint.empty()) {
      child.argv.push_back("--service-endpoint");
      child.argv.push_back(options.service_endpoint);
    }
    child.log_path = dir.Path("s3rver.log");
    CHARON_ASSIGN_OR_RETURN(std::unique_ptr<ChildProcess> process,
                            ChildProcess::Start(std::move(child)));
    last = process->WaitForTcpPort(port);
    if (last.ok()) {
      return std::unique_ptr<S3Server>(new S3Server(std::move(dir), std::move(process), port));
    }
    last = absl::UnavailableError(
        absl::StrCat("s3rver on port ", port, ": ", last.message(), "\n", process->LogTail()));
  }
  return last;
}

std::string S3Server::endpoint() const { return absl::StrCat("127.0.0.1:", port_); }

absl::Status S3Server::Curl(std::vector<std::string> args) {
  // --fail-early: with several transfers, stop and fail at the first refused one.
  std::vector<std::string> argv = {"curl", "--silent", "--show-error", "--fail", "--fail-early"};
  argv.insert(argv.end(), args.begin(), args.end());
  CHARON_ASSIGN_OR_RETURN(CommandResult result, RunCommand(argv));
  if (result.exit_code != 0) {
    return absl::UnavailableError(absl::StrCat("curl exited with ", result.exit_code, ": ",
                                               result.stderr_text, result.stdout_text));
  }
  return absl::OkStatus();
}

absl::Status S3Server::CreateBucket(std::string_view bucket) {
  return Curl({"-X", "PUT", absl::StrCat("http://", endpoint(), "/", base::Absl(bucket))});
}

absl::Status S3Server::PutObjects(std::string_view bucket,
                                  const std::map<std::string, std::string>& objects) {
  if (objects.empty()) return absl::OkStatus();
  std::vector<std::string> args;
  for (const auto& [key, data] : objects) {
    std::string file = dir_.Path(absl::StrCat("uploads/", ++uploads_));
    CHARON_RETURN_IF_ERROR(WriteFile(file, data));
    if (!args.empty()) args.push_back("--next");
    // "Expect:" stops curl from waiting for "100 Continue" before large bodies.
    for (std::string a : {"--fail", "-X", "PUT", "-H", "Expect:", "-H",
                          "Content-Type: application/octet-stream", "--data-binary"}) {
      args.push_back(a);
    }
    args.push_back("@" + file);
    args.push_back(absl::StrCat("http://", endpoint(), "/", base::Absl(bucket), "/",
                                base::PercentEncode(key, /*keep_slash=*/true)));
  }
  return Curl(std::move(args));
}

}  // namespace charon::testing
