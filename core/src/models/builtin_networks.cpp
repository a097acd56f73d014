#include "models/builtin_networks.h"

#include "eqnet/error.h"

#include <array>

namespace eqnet::models {

using graph::NetworkBuilder;
using graph::ValueId;

namespace {

// fmnist-cnn: five 3x3 convolutions (no bias) each with BN and ReLU, global average pooling,
// Linear 64 -> classes.
graph::NetworkGraph fmnistCnn(const ModelSpec& s) {
    NetworkBuilder b;
    const int64_t ch[6] = {s.inChannels, 16, 32, 32, 64, 64};
    const int64_t stride[5] = {1, 2, 1, 2, 1};
    ValueId x = b.input();
    for (int i = 0; i < 5; ++i) {
        const std::string n = std::to_string(i + 1);
        x = b.relu(b.batchNorm(b.conv(x, "conv" + n, ch[i], ch[i + 1], 3, stride[i], i > 0), "bn" + n, ch[i + 1]));
    }
    return b.finish(b.linear(b.globalAvgPool(x), "fc", 64, s.numClasses, true));
}

// ResNet basic block; the shortcut is a quantized 1x1 convolution + BN when the shape changes.
ValueId basicBlock(NetworkBuilder& b, ValueId x, const std::string& p, int64_t in, int64_t out, int64_t stride) {
    auto h = b.relu(b.batchNorm(b.conv(x, p + ".conv1", in, out, 3, stride, true), p + ".bn1", out));
    h = b.batchNorm(b.conv(h, p + ".conv2", out, out, 3, 1, true), p + ".bn2", out);
    ValueId sc = x;
    if (stride != 1 || in != out)
        sc = b.batchNorm(b.conv(x, p + ".downsample", in, out, 1, stride, true), p + ".downsample_bn", out);
    return b.relu(b.add(h, sc));
}

// ResNet for CIFAR (resnet20: 3 stages of 3 blocks, 16/32/64 channels) and ImageNet
// (resnet18: 7x7 stem + max-pool, 4 stages of 2 blocks, 64..512 channels).
graph::NetworkGraph resNet(const ModelSpec& s, bool imagenet) {
    const std::vector<int64_t> widths = imagenet ? std::vector<int64_t>{64, 128, 256, 512}
                                                 : std::vector<int64_t>{16, 32, 64};
    const int blocks = imagenet ? 2 : 3;
    NetworkBuilder b;
    ValueId x = b.conv(b.input(), "conv1", s.inChannels, widths[0], imagenet ? 7 : 3, imagenet ? 2 : 1, false);
    x = b.relu(b.batchNorm(x, "bn1", widths[0]));
    if (imagenet) x = b.maxPool(x, 3, 2, 1);
    int64_t in = widths[0];
    for (size_t st = 0; st < widths.size(); ++st) {
        for (int k = 0; k < blocks; ++k) {
            const int64_t stride = (st > 0 && k == 0) ? 2 : 1;
            x = basicBlock(b, x, "layer" + std::to_string(st + 1) + "_" + std::to_string(k), in, widths[st], stride);
            in = widths[st];
        }
    }
    return b.finish(b.linear(b.globalAvgPool(x), "fc", in, s.numClasses, true));
}

// MobileNetV2 inverted residual: 1x1 expansion (absent when t = 1), 3x3 depthwise, 1x1 linear
// projection. The expansion's input is the previous block's linear output: signed range.
ValueId invertedResidual(NetworkBuilder& b, ValueId x, const std::string& p, int64_t in, int64_t out,
                         int64_t stride, int64_t t) {
    const int64_t hidden = in * t;
    ValueId h = x;
    if (t != 1) h = b.relu6(b.batchNorm(b.conv(h, p + ".expand", in, hidden, 1, 1, false), p + ".expand_bn", hidden));
    h = b.relu6(b.batchNorm(b.conv(h, p + ".dw", hidden, hidden, 3, stride, true, hidden), p + ".dw_bn", hidden));
    h = b.batchNorm(b.conv(h, p + ".project", hidden, out, 1, 1, true), p + ".project_bn", out);
    return stride == 1 && in == out ? b.add(x, h) : h;
}

// The shape of a MobileNetV2: stem, inverted-residual stages, 1x1 head, pooling, classifier.
struct MobileNetV2Config {
    int64_t stemChannels = 32;
    int64_t stemStride = 2;
    std::vector<std::array<int64_t, 4>> stages; // (expansion t, channels c, repeats n, first stride s)
    int64_t headChannels = 1280;
};

// mobilenetv2: the published network for 224x224 ImageNet images.
MobileNetV2Config publishedMobileNetV2() {
    return {32, 2, {{1, 16, 1, 1}, {6, 24, 2, 2}, {6, 32, 3, 2}, {6, 64, 4, 2}, {6, 96, 3, 1}, {6, 160, 3, 2}, {6, 320, 1, 1}}, 1280};
}

// mbv2-28: the same parts sized for 28x28 images on a small CPU: a stride-2 stem, two
// stride-2 stages (14 -> 7 -> 4), expansion 4, a 128-channel head. Depthwise convolutions,
// linear bottlenecks, residual adds and ReLU6 are what make MobileNetV2 hard to quantize
// at low bit-widths (a per-tensor step must cover depthwise filters of very different
// ranges), so its subnets differ where fmnist-cnn's barely do (docs/results.md).
MobileNetV2Config compactMobileNetV2() {
    return {16, 2, {{1, 16, 1, 1}, {4, 24, 2, 2}, {4, 32, 2, 2}, {4, 48, 1, 1}}, 128};
}

graph::NetworkGraph mobileNetV2(const ModelSpec& s, const MobileNetV2Config& cfg) {
    NetworkBuilder b;
    ValueId x = b.conv(b.input(), "conv1", s.inChannels, cfg.stemChannels, 3, cfg.stemStride, false);
    x = b.relu6(b.batchNorm(x, "bn1", cfg.stemChannels));
    int64_t in = cfg.stemChannels;
    int idx = 0;
    for (const auto& c : cfg.stages) {
        for (int64_t i = 0; i < c[2]; ++i) {
            x = invertedResidual(b, x, "block" + std::to_string(idx++), in, c[1], i == 0 ? c[3] : 1, c[0]);
            in = c[1];
        }
    }
    x = b.relu6(b.batchNorm(b.conv(x, "conv_last", in, cfg.headChannels, 1, 1, false), "bn_last", cfg.headChannels));
    return b.finish(b.linear(b.globalAvgPool(x), "fc", cfg.headChannels, s.numClasses, true));
}

} // namespace

const std::vector<BuiltinModel>& builtinModels() {
    static const std::vector<BuiltinModel> models = {
        {"mbv2-28", 1, 28, 10, [](const ModelSpec& s) { return mobileNetV2(s, compactMobileNetV2()); }},
        {"fmnist-cnn", 1, 28, 10, [](const ModelSpec& s) { return fmnistCnn(s); }},
        {"resnet20", 3, 32, 10, [](const ModelSpec& s) { return resNet(s, false); }},
        {"resnet18", 3, 224, 1000, [](const ModelSpec& s) { return resNet(s, true); }},
        {"mobilenetv2", 3, 224, 1000, [](const ModelSpec& s) { return mobileNetV2(s, publishedMobileNetV2()); }},
    };
    return models;
}

const BuiltinModel& builtinModel(const std::string& name) {
    for (const auto& m : builtinModels())
        if (name == m.name) return m;
    std::string names;
    for (const auto& m : builtinModels()) names += (names.empty() ? "" : ", ") + std::string(m.name);
    throw Error("unknown model '" + name + "'; available: " + names + ", or the path of an FP .onnx file");
}

graph::NetworkGraph builtinNetwork(const ModelSpec& spec) { return builtinModel(spec.name).build(spec); }

} // namespace eqnet::models
