#include "edge_encoder/daemon/classifier.h"

#include <algorithm>
#include <cmath>
#include <numeric>

#include "absl/strings/str_cat.h"
#include "edge_encoder/daemon/image_convert.h"
#include "edge_encoder/engine/task_output.h"

namespace nqe::edge {

absl::StatusOr<Classifier> Classifier::Create(std::shared_ptr<const LoadedModel> model) {
  if (model->proto.task() != model::TASK_CLASSIFY) {
    return absl::InvalidArgumentError(
        absl::StrCat(model->source_name, " is not a classifier (TASK_CLASSIFY)"));
  }
  const float scale = model->proto.logit_scale();
  if (!std::isfinite(scale) || scale < 0) {
    return absl::InvalidArgumentError(
        absl::StrCat(model->source_name, ": logit_scale ", scale, " is not a finite value >= 0"));
  }
  absl::StatusOr<Engine> engine = Engine::Create(std::move(model));
  if (!engine.ok()) return engine.status();
  return Classifier(*std::move(engine));
}

absl::StatusOr<Classification> Classifier::Classify(absl::string_view image_bytes,
                                                    int top_k) const {
  absl::StatusOr<cv::Mat> bgr = DecodeToBgr(image_bytes);
  if (!bgr.ok()) return bgr.status();
  const model::InputSpec& input = model().proto.input();
  absl::StatusOr<ImageU8> image =
      ResizedImage(*bgr, static_cast<int>(input.height()), static_cast<int>(input.width()));
  if (!image.ok()) return image.status();
  absl::StatusOr<Tensor> output = engine_.Run(*image);
  if (!output.ok()) return output.status();

  Classification result;
  result.logits = ClassifyLogits(*output);
  const int classes = static_cast<int>(result.logits.size());
  // Softmax of the scaled logits in double, shifted by the largest logit so exp() cannot
  // overflow.
  const float fitted_scale = model().proto.logit_scale();
  const double scale = fitted_scale > 0 ? fitted_scale : 1.0;
  const int32_t largest = *std::max_element(result.logits.begin(), result.logits.end());
  std::vector<double> weights(classes);
  for (int i = 0; i < classes; ++i) {
    weights[i] = std::exp(scale * (static_cast<double>(result.logits[i]) - largest));
  }
  const double total = std::accumulate(weights.begin(), weights.end(), 0.0);
  std::vector<int> order(classes);
  std::iota(order.begin(), order.end(), 0);
  std::stable_sort(order.begin(), order.end(),
                   [&](int a, int b) { return result.logits[a] > result.logits[b]; });
  const int k = std::clamp(top_k, 1, classes);
  for (int i = 0; i < k; ++i) {
    const int index = order[i];
    const std::string name =
        index < model().proto.class_names_size() ? model().proto.class_names(index) : "";
    result.top.push_back({index, name, weights[index] / total});
  }
  return result;
}

}  // namespace nqe::edge
