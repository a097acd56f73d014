// run.json: the training configuration, read back with errors that name the field.
#include "eqnet/error.h"
#include "eqnet/training.h"
#include "eqnet/version.h"
#include "io/json_fields.h"

#include <nlohmann/json.hpp>

#include <filesystem>

namespace eqnet {

using nlohmann::json;

std::string guidanceName(Guidance g) {
    switch (g) {
    case Guidance::Gpg: return "gpg";
    case Guidance::Teacher: return "teacher";
    case Guidance::Labels: return "labels";
    }
    return "gpg";
}

Guidance parseGuidance(const std::string& s) {
    if (s == "gpg") return Guidance::Gpg;
    if (s == "teacher") return Guidance::Teacher;
    if (s == "labels") return Guidance::Labels;
    throw Error("guidance '" + s + "' is not known; allowed: gpg (each subnet guided by the one before), "
                "teacher (all guided by the largest), labels (no distillation)");
}

std::string runModelPath(const std::string& runDir, const std::string& model) {
    if (!isModelFile(model)) return model;
    const std::filesystem::path p(model);
    return p.is_absolute() ? model : (std::filesystem::path(runDir) / p).string();
}

std::string trainConfigToJson(const TrainConfig& c) {
    json j;
    j["schema"] = "eqnet.run";
    j["version"] = 1;
    j["model"] = c.model;
    j["data"] = {{"dir", c.data.dir},
                 {"format", dataFormatName(c.data.format)},
                 {"validation_size", c.data.validationSize},
                 {"split_seed", c.data.splitSeed},
                 {"synthetic_train", c.data.syntheticTrain},
                 {"synthetic_test", c.data.syntheticTest},
                 {"train_images", c.data.trainLimit}};
    // Recorded only when given, so that the pipeline records of older runs still match.
    if (!c.data.mean.empty()) j["data"]["mean"] = c.data.mean;
    if (!c.data.std.empty()) j["data"]["std"] = c.data.std;
    if (c.data.imageChannels != 0 || c.data.imageHeight != 0 || c.data.imageWidth != 0)
        j["data"]["image"] = {{"channels", c.data.imageChannels},
                              {"height", c.data.imageHeight},
                              {"width", c.data.imageWidth}};
    if (c.data.format == DataFormat::Folder) {
        j["data"]["cache_mb"] = c.data.cacheMegabytes;
        j["data"]["bad_image_limit"] = c.data.badImageLimit;
    }
    if (c.data.augment.any())
        j["data"]["augment"] = {{"crop_padding", c.data.augment.cropPadding},
                                {"horizontal_flip", c.data.augment.horizontalFlip}};
    j["seed"] = c.seed;
    j["device"] = c.device;
    j["fp"] = {{"epochs", c.fpEpochs}, {"from", c.fromFp}};
    j["calibration_images"] = c.calibImages;
    j["train"] = {{"epochs", c.epochs},          {"batch_size", c.batchSize},
                  {"lr", c.lr},                  {"weight_decay", c.weightDecay},
                  {"grad_clip", c.gradClip},     {"label_smoothing", c.labelSmoothing},
                  {"subnets_per_step", c.subnetsPerStep}, {"guidance", guidanceName(c.guidance)},
                  {"alpha", c.alpha},            {"form_per_layer", c.formPerLayer},
                  {"adam_moves_unused_slots", c.adamMovesUnusedSlots}};
    if (!c.syncBatchNorm) j["train"]["sync_batch_norm"] = false; // only when off: older runs still match
    j["wdr"] = {{"enabled", c.wdr},
                {"skew_weight", c.wdrSkewWeight},
                {"kurt_weight", c.wdrKurtWeight},
                {"skew_target", c.wdrSkewTarget},
                {"kurt_target", c.wdrKurtTarget}};
    j["static"] = {{"enabled", c.staticSubnet}, {"bits", c.staticBits}, {"form", formName(c.staticForm)}};
    j["eval"] = {{"bn_images", c.eval.bnImages}, {"bn_repeats", c.eval.bnRepeats}, {"images", c.evalImages}};
    j["snapshot_every"] = c.snapshotEvery;
    j["versions"] = {{"eqnet", EQNET_VERSION}, {"git", buildRevision()}, {"libtorch", libtorchVersion()}};
    return j.dump(2) + "\n";
}

namespace {

template <typename T>
void field(const json& obj, const char* key, const std::string& where, const std::string& source, T& out) {
    auto it = obj.find(key);
    if (it == obj.end()) return; // optional: the default stays
    out = jsonio::as<T>(*it, where + key, source);
}

const json& section(const json& j, const char* key, const std::string& source, const char* where = "") {
    static const json empty = json::object();
    auto it = j.find(key);
    if (it == j.end()) return empty;
    if (!it->is_object())
        throw Error(source + ": field \"" + std::string(where) + key + "\" must be an object");
    return *it;
}

} // namespace

TrainConfig trainConfigFromJson(const std::string& text, const std::string& source) {
    const json j = jsonio::parseDocument(text, source);
    if (!j.is_object() || j.value("schema", "") != "eqnet.run")
        throw Error(source + ": not an EQ-Net run file (field \"schema\" must be \"eqnet.run\")");
    TrainConfig c;
    field(j, "model", "", source, c.model);
    const json& d = section(j, "data", source);
    field(d, "dir", "data.", source, c.data.dir);
    std::string fmt = dataFormatName(c.data.format);
    field(d, "format", "data.", source, fmt);
    c.data.format = parseDataFormat(fmt);
    field(d, "validation_size", "data.", source, c.data.validationSize);
    field(d, "split_seed", "data.", source, c.data.splitSeed);
    field(d, "synthetic_train", "data.", source, c.data.syntheticTrain);
    field(d, "synthetic_test", "data.", source, c.data.syntheticTest);
    field(d, "train_images", "data.", source, c.data.trainLimit);
    field(d, "mean", "data.", source, c.data.mean);
    field(d, "std", "data.", source, c.data.std);
    const json& image = section(d, "image", source, "data.");
    field(image, "channels", "data.image.", source, c.data.imageChannels);
    field(image, "height", "data.image.", source, c.data.imageHeight);
    field(image, "width", "data.image.", source, c.data.imageWidth);
    if (c.data.imageChannels < 0 || c.data.imageHeight < 0 || c.data.imageWidth < 0)
        throw Error(source + ": field \"data.image\" must not hold negative sizes");
    field(d, "cache_mb", "data.", source, c.data.cacheMegabytes);
    field(d, "bad_image_limit", "data.", source, c.data.badImageLimit);
    const json& aug = section(d, "augment", source, "data.");
    field(aug, "crop_padding", "data.augment.", source, c.data.augment.cropPadding);
    field(aug, "horizontal_flip", "data.augment.", source, c.data.augment.horizontalFlip);
    if (c.data.augment.cropPadding < 0)
        throw Error(source + ": field \"data.augment.crop_padding\" must not be negative");
    if (c.data.trainLimit < 0) throw Error(source + ": field \"data.train_images\" must not be negative");
    field(j, "seed", "", source, c.seed);
    field(j, "device", "", source, c.device);
    const json& fp = section(j, "fp", source);
    field(fp, "epochs", "fp.", source, c.fpEpochs);
    field(fp, "from", "fp.", source, c.fromFp);
    field(j, "calibration_images", "", source, c.calibImages);
    const json& t = section(j, "train", source);
    field(t, "epochs", "train.", source, c.epochs);
    field(t, "batch_size", "train.", source, c.batchSize);
    field(t, "lr", "train.", source, c.lr);
    field(t, "weight_decay", "train.", source, c.weightDecay);
    field(t, "grad_clip", "train.", source, c.gradClip);
    field(t, "label_smoothing", "train.", source, c.labelSmoothing);
    field(t, "subnets_per_step", "train.", source, c.subnetsPerStep);
    std::string g = guidanceName(c.guidance);
    field(t, "guidance", "train.", source, g);
    c.guidance = parseGuidance(g);
    field(t, "alpha", "train.", source, c.alpha);
    field(t, "form_per_layer", "train.", source, c.formPerLayer);
    field(t, "adam_moves_unused_slots", "train.", source, c.adamMovesUnusedSlots);
    field(t, "sync_batch_norm", "train.", source, c.syncBatchNorm);
    const json& w = section(j, "wdr", source);
    field(w, "enabled", "wdr.", source, c.wdr);
    field(w, "skew_weight", "wdr.", source, c.wdrSkewWeight);
    field(w, "kurt_weight", "wdr.", source, c.wdrKurtWeight);
    field(w, "skew_target", "wdr.", source, c.wdrSkewTarget);
    field(w, "kurt_target", "wdr.", source, c.wdrKurtTarget);
    const json& st = section(j, "static", source);
    field(st, "enabled", "static.", source, c.staticSubnet);
    field(st, "bits", "static.", source, c.staticBits);
    std::string form = formName(c.staticForm);
    field(st, "form", "static.", source, form);
    c.staticForm = parseForm(form);
    const json& ev = section(j, "eval", source);
    field(ev, "bn_images", "eval.", source, c.eval.bnImages);
    field(ev, "bn_repeats", "eval.", source, c.eval.bnRepeats);
    field(ev, "images", "eval.", source, c.evalImages);
    field(j, "snapshot_every", "", source, c.snapshotEvery);

    const auto check = [&](bool ok, const std::string& what) {
        if (!ok) throw Error(source + ": " + what);
    };
    check(c.fpEpochs >= 0 && c.epochs >= 0, "fields \"fp.epochs\" and \"train.epochs\" must be >= 0");
    check(c.batchSize > 0 && c.batchSize <= 65536, "field \"train.batch_size\" must lie in 1..65536");
    check(c.data.validationSize >= 1, "field \"data.validation_size\" must be at least 1");
    check(c.calibImages >= 1 && c.evalImages >= 0 && c.eval.bnImages >= 0,
          "fields \"calibration_images\" (>= 1), \"eval.images\" and \"eval.bn_images\" (>= 0) are out of range");
    check(c.weightDecay >= 0 && c.gradClip >= 0 && c.labelSmoothing >= 0 && c.labelSmoothing < 1,
          "fields \"train.weight_decay\", \"train.grad_clip\" (>= 0) and \"train.label_smoothing\" ([0, 1)) are out of range");
    check(c.lr > 0, "field \"train.lr\" must be positive");
    check(c.subnetsPerStep >= 2, "field \"train.subnets_per_step\" must be at least 2 (largest and smallest)");
    check(c.alpha >= 0 && c.alpha <= 1, "field \"train.alpha\" must lie in [0, 1]");
    check(c.eval.bnRepeats >= 1, "field \"eval.bn_repeats\" must be at least 1");
    check(c.staticBits >= kMinBits && c.staticBits <= kMaxBits, "field \"static.bits\" must lie in 2..8");
    return c;
}

} // namespace eqnet
