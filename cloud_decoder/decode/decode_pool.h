// A pool of decode workers, each with its own PurenetDecoder (a cv::dnn::Net is not
// thread-safe). Jobs carry a shard key; all jobs of one key run on the same worker in
// submission order. Keying by camera gives in-order decoding per camera without any
// reordering buffer (our choice: with fewer cameras than workers some workers idle, which
// the load test shows is acceptable on the 2-core target).
#ifndef NQE_CLOUD_DECODER_DECODE_DECODE_POOL_H_
#define NQE_CLOUD_DECODER_DECODE_DECODE_POOL_H_

#include <condition_variable>
#include <deque>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "cloud_decoder/purenet/purenet_decoder.h"

namespace nqe::decode {

class DecodePool {
 public:
  using Job = std::function<void(PurenetDecoder& decoder)>;

  static absl::StatusOr<std::unique_ptr<DecodePool>> Create(const std::string& onnx_path,
                                                            CodeShape shape, int workers);
  ~DecodePool();  // runs what is queued, then joins

  void Submit(absl::string_view shard_key, Job job);

  // Jobs waiting or running, over all workers.
  size_t pending() const;
  int size() const { return static_cast<int>(workers_.size()); }

 private:
  struct Worker {
    std::unique_ptr<PurenetDecoder> decoder;
    std::deque<Job> jobs;  // guarded by DecodePool::mutex_
    std::thread thread;
  };

  DecodePool() = default;
  void Run(Worker* worker);

  mutable std::mutex mutex_;
  std::condition_variable work_;
  bool stopping_ = false;
  size_t pending_ = 0;
  std::vector<std::unique_ptr<Worker>> workers_;
};

}  // namespace nqe::decode

#endif  // NQE_CLOUD_DECODER_DECODE_DECODE_POOL_H_
