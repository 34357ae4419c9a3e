// Classification of an image file's bytes with an NQE classifier (TASK_CLASSIFY): decode,
// resize to the model's input (INTER_AREA), integer inference, then float post-processing
// (softmax of the integer logits times the model's fitted logit_scale) for probabilities. No
// network: the service wraps it.
#ifndef NQE_EDGE_ENCODER_DAEMON_CLASSIFIER_H_
#define NQE_EDGE_ENCODER_DAEMON_CLASSIFIER_H_

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "edge_encoder/engine/engine.h"

namespace nqe::edge {

struct ClassScore {
  int index = 0;
  std::string name;
  double probability = 0;
};

struct Classification {
  std::vector<ClassScore> top;  // best first (ties: lower index first)
  std::vector<int32_t> logits;  // in class order
};

class Classifier {
 public:
  // InvalidArgument if the model is not a classifier or its logit_scale is negative or not
  // finite.
  static absl::StatusOr<Classifier> Create(std::shared_ptr<const LoadedModel> model);

  absl::StatusOr<Classification> Classify(absl::string_view image_bytes, int top_k) const;

  const LoadedModel& model() const { return engine_.model(); }

 private:
  explicit Classifier(Engine engine) : engine_(std::move(engine)) {}
  Engine engine_;
};

}  // namespace nqe::edge

#endif  // NQE_EDGE_ENCODER_DAEMON_CLASSIFIER_H_
