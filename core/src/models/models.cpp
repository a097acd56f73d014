#include "models/models.h"

#include "eqnet/error.h"

#include <array>

namespace eqnet::models {

using quant::QuantLayer;
using quant::QuantLayerOptions;
namespace nn = torch::nn;

std::vector<std::pair<std::string, QuantLayer>> QuantModelImpl::quantLayers() {
    std::vector<std::pair<std::string, QuantLayer>> out;
    for (const auto& item : named_modules("", /*include_self=*/false)) {
        if (auto q = std::dynamic_pointer_cast<quant::QuantLayerImpl>(item.value()))
            out.emplace_back(item.key(), QuantLayer(q));
    }
    return out;
}

std::vector<std::shared_ptr<nn::BatchNorm2dImpl>> QuantModelImpl::batchNorms() {
    std::vector<std::shared_ptr<nn::BatchNorm2dImpl>> out;
    for (const auto& m : modules(/*include_self=*/false))
        if (auto bn = std::dynamic_pointer_cast<nn::BatchNorm2dImpl>(m)) out.push_back(bn);
    return out;
}

QuantLayerOptions convOpts(int64_t in, int64_t out, int64_t k, int64_t stride, bool actUnsigned,
                           int64_t groups) {
    QuantLayerOptions o;
    o.kind = LayerKind::Conv2d;
    o.in = in;
    o.out = out;
    o.kernel = k;
    o.stride = stride;
    o.padding = k / 2;
    o.groups = groups;
    o.actUnsigned = actUnsigned;
    return o;
}

namespace {

QuantLayerOptions linearOpts(int64_t in, int64_t out, bool actUnsigned) {
    QuantLayerOptions o;
    o.kind = LayerKind::Linear;
    o.in = in;
    o.out = out;
    o.bias = true;
    o.actUnsigned = actUnsigned;
    return o;
}

nn::BatchNorm2d bn(int64_t c) { return nn::BatchNorm2d(nn::BatchNorm2dOptions(c)); }

// fmnist-cnn: five 3x3 convolutions (no bias) each with BN and ReLU, global average pooling,
// Linear 64 -> classes.
class FmnistCnnImpl : public QuantModelImpl {
public:
    explicit FmnistCnnImpl(const ModelSpec& s) {
        const int64_t ch[6] = {s.inChannels, 16, 32, 32, 64, 64};
        const int64_t stride[5] = {1, 2, 1, 2, 1};
        for (int i = 0; i < 5; ++i) {
            convs_.push_back(register_module("conv" + std::to_string(i + 1),
                                             QuantLayer(convOpts(ch[i], ch[i + 1], 3, stride[i], i > 0))));
            bns_.push_back(register_module("bn" + std::to_string(i + 1), bn(ch[i + 1])));
        }
        fc_ = register_module("fc", QuantLayer(linearOpts(64, s.numClasses, true)));
    }
    torch::Tensor forward(torch::Tensor x) override {
        for (size_t i = 0; i < convs_.size(); ++i) x = torch::relu(bns_[i]->forward(convs_[i]->forward(x)));
        return fc_->forward(x.mean({2, 3}));
    }
    exporter::Value emit(exporter::GraphBuilder& g, const exporter::Value& in) override {
        exporter::Value x = in;
        for (size_t i = 0; i < convs_.size(); ++i) x = g.relu(g.batchNorm(g.quantLayer(x, *convs_[i]), *bns_[i]));
        return g.quantLayer(g.globalAveragePool(x), *fc_);
    }

private:
    std::vector<QuantLayer> convs_;
    std::vector<nn::BatchNorm2d> bns_;
    QuantLayer fc_{nullptr};
};

// ResNet basic block; the shortcut is a quantized 1x1 convolution + BN when the shape changes.
class BasicBlockImpl : public nn::Module {
public:
    BasicBlockImpl(int64_t in, int64_t out, int64_t stride) {
        conv1 = register_module("conv1", QuantLayer(convOpts(in, out, 3, stride, true)));
        bn1 = register_module("bn1", bn(out));
        conv2 = register_module("conv2", QuantLayer(convOpts(out, out, 3, 1, true)));
        bn2 = register_module("bn2", bn(out));
        if (stride != 1 || in != out) {
            down = register_module("downsample", QuantLayer(convOpts(in, out, 1, stride, true)));
            downBn = register_module("downsample_bn", bn(out));
        }
    }
    torch::Tensor forward(const torch::Tensor& x) {
        auto h = torch::relu(bn1->forward(conv1->forward(x)));
        h = bn2->forward(conv2->forward(h));
        auto sc = down ? downBn->forward(down->forward(x)) : x;
        return torch::relu(h + sc);
    }
    exporter::Value emit(exporter::GraphBuilder& g, const exporter::Value& x) {
        auto h = g.relu(g.batchNorm(g.quantLayer(x, *conv1), *bn1));
        h = g.batchNorm(g.quantLayer(h, *conv2), *bn2);
        auto sc = down ? g.batchNorm(g.quantLayer(x, *down), *downBn) : x;
        return g.relu(g.add(h, sc));
    }
    QuantLayer conv1{nullptr}, conv2{nullptr}, down{nullptr};
    nn::BatchNorm2d bn1{nullptr}, bn2{nullptr}, downBn{nullptr};
};
TORCH_MODULE(BasicBlock);

// ResNet for CIFAR (resnet20: 3 stages of 3 blocks, 16/32/64 channels) and ImageNet
// (resnet18: 7x7 stem + max-pool, 4 stages of 2 blocks, 64..512 channels).
class ResNetImpl : public QuantModelImpl {
public:
    ResNetImpl(const ModelSpec& s, bool imagenet) : imagenet_(imagenet) {
        const std::vector<int64_t> widths = imagenet ? std::vector<int64_t>{64, 128, 256, 512}
                                                     : std::vector<int64_t>{16, 32, 64};
        const int blocks = imagenet ? 2 : 3;
        stem_ = register_module("conv1", QuantLayer(convOpts(s.inChannels, widths[0], imagenet ? 7 : 3,
                                                             imagenet ? 2 : 1, false)));
        stemBn_ = register_module("bn1", bn(widths[0]));
        int64_t in = widths[0];
        for (size_t st = 0; st < widths.size(); ++st) {
            for (int b = 0; b < blocks; ++b) {
                const int64_t stride = (st > 0 && b == 0) ? 2 : 1;
                blocks_.push_back(register_module(
                    "layer" + std::to_string(st + 1) + "_" + std::to_string(b),
                    BasicBlock(in, widths[st], stride)));
                in = widths[st];
            }
        }
        fc_ = register_module("fc", QuantLayer(linearOpts(in, s.numClasses, true)));
    }
    torch::Tensor forward(torch::Tensor x) override {
        x = torch::relu(stemBn_->forward(stem_->forward(x)));
        if (imagenet_) x = torch::max_pool2d(x, 3, 2, 1);
        for (auto& b : blocks_) x = b->forward(x);
        return fc_->forward(x.mean({2, 3}));
    }
    exporter::Value emit(exporter::GraphBuilder& g, const exporter::Value& in) override {
        auto x = g.relu(g.batchNorm(g.quantLayer(in, *stem_), *stemBn_));
        if (imagenet_) x = g.maxPool(x, 3, 2, 1);
        for (auto& b : blocks_) x = b->emit(g, x);
        return g.quantLayer(g.globalAveragePool(x), *fc_);
    }

private:
    bool imagenet_;
    QuantLayer stem_{nullptr}, fc_{nullptr};
    nn::BatchNorm2d stemBn_{nullptr};
    std::vector<BasicBlock> blocks_;
};

torch::Tensor relu6Act(const torch::Tensor& x) { return torch::clamp(x, 0.0, 6.0); }

// MobileNetV2 inverted residual: 1x1 expansion (absent when t = 1), 3x3 depthwise, 1x1 linear
// projection. The expansion's input is the previous block's linear output: signed range.
class InvertedResidualImpl : public nn::Module {
public:
    InvertedResidualImpl(int64_t in, int64_t out, int64_t stride, int64_t t) {
        const int64_t hidden = in * t;
        residual = stride == 1 && in == out;
        if (t != 1) {
            expand = register_module("expand", QuantLayer(convOpts(in, hidden, 1, 1, false)));
            expandBn = register_module("expand_bn", bn(hidden));
        }
        dw = register_module("dw", QuantLayer(convOpts(hidden, hidden, 3, stride, true, hidden)));
        dwBn = register_module("dw_bn", bn(hidden));
        project = register_module("project", QuantLayer(convOpts(hidden, out, 1, 1, true)));
        projectBn = register_module("project_bn", bn(out));
    }
    torch::Tensor forward(const torch::Tensor& x) {
        auto h = x;
        if (expand) h = relu6Act(expandBn->forward(expand->forward(h)));
        h = relu6Act(dwBn->forward(dw->forward(h)));
        h = projectBn->forward(project->forward(h));
        return residual ? x + h : h;
    }
    exporter::Value emit(exporter::GraphBuilder& g, const exporter::Value& x) {
        auto h = x;
        if (expand) h = g.relu6(g.batchNorm(g.quantLayer(h, *expand), *expandBn));
        h = g.relu6(g.batchNorm(g.quantLayer(h, *dw), *dwBn));
        h = g.batchNorm(g.quantLayer(h, *project), *projectBn);
        return residual ? g.add(x, h) : h;
    }
    bool residual = false;
    QuantLayer expand{nullptr}, dw{nullptr}, project{nullptr};
    nn::BatchNorm2d expandBn{nullptr}, dwBn{nullptr}, projectBn{nullptr};
};
TORCH_MODULE(InvertedResidual);

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

// mbv2-28: the same parts sized for 28x28 images on a small CPU: a stride-1 stem, two
// stride-2 stages (28 -> 14 -> 7), expansion 4, a 128-channel head. Depthwise convolutions,
// linear bottlenecks, residual adds and ReLU6 are what make MobileNetV2 hard to quantize
// at low bit-widths (a per-tensor step must cover depthwise filters of very different
// ranges), so its subnets differ where fmnist-cnn's barely do (docs/results.md).
MobileNetV2Config compactMobileNetV2() {
    return {16, 2, {{1, 16, 1, 1}, {4, 24, 2, 2}, {4, 32, 2, 2}, {4, 48, 1, 1}}, 128};
}

class MobileNetV2Impl : public QuantModelImpl {
public:
    MobileNetV2Impl(const ModelSpec& s, const MobileNetV2Config& cfg) {
        stem_ = register_module("conv1", QuantLayer(convOpts(s.inChannels, cfg.stemChannels, 3, cfg.stemStride, false)));
        stemBn_ = register_module("bn1", bn(cfg.stemChannels));
        int64_t in = cfg.stemChannels;
        int idx = 0;
        for (const auto& c : cfg.stages) {
            for (int64_t i = 0; i < c[2]; ++i) {
                blocks_.push_back(register_module("block" + std::to_string(idx++),
                                                  InvertedResidual(in, c[1], i == 0 ? c[3] : 1, c[0])));
                in = c[1];
            }
        }
        head_ = register_module("conv_last", QuantLayer(convOpts(in, cfg.headChannels, 1, 1, false)));
        headBn_ = register_module("bn_last", bn(cfg.headChannels));
        fc_ = register_module("fc", QuantLayer(linearOpts(cfg.headChannels, s.numClasses, true)));
    }
    torch::Tensor forward(torch::Tensor x) override {
        x = relu6Act(stemBn_->forward(stem_->forward(x)));
        for (auto& b : blocks_) x = b->forward(x);
        x = relu6Act(headBn_->forward(head_->forward(x)));
        return fc_->forward(x.mean({2, 3}));
    }
    exporter::Value emit(exporter::GraphBuilder& g, const exporter::Value& in) override {
        auto x = g.relu6(g.batchNorm(g.quantLayer(in, *stem_), *stemBn_));
        for (auto& b : blocks_) x = b->emit(g, x);
        x = g.relu6(g.batchNorm(g.quantLayer(x, *head_), *headBn_));
        return g.quantLayer(g.globalAveragePool(x), *fc_);
    }

private:
    QuantLayer stem_{nullptr}, head_{nullptr}, fc_{nullptr};
    nn::BatchNorm2d stemBn_{nullptr}, headBn_{nullptr};
    std::vector<InvertedResidual> blocks_;
};

} // namespace

QuantModel buildModel(const ModelSpec& spec) {
    if (spec.name == "fmnist-cnn") return std::make_shared<FmnistCnnImpl>(spec);
    if (spec.name == "resnet20") return std::make_shared<ResNetImpl>(spec, false);
    if (spec.name == "resnet18") return std::make_shared<ResNetImpl>(spec, true);
    if (spec.name == "mobilenetv2") return std::make_shared<MobileNetV2Impl>(spec, publishedMobileNetV2());
    if (spec.name == "mbv2-28") return std::make_shared<MobileNetV2Impl>(spec, compactMobileNetV2());
    std::string names;
    for (const auto& n : modelNames()) names += (names.empty() ? "" : ", ") + n;
    throw Error("unknown model '" + spec.name + "'; available: " + names);
}

} // namespace eqnet::models
