// docs/method.md §7: MACs from the real output shapes, BitOps and model size, by hand.
#include "eqtest.h"

#include "eqnet/cost_model.h"
#include "eqnet/error.h"
#include "eqnet/supernet.h"

using namespace eqnet;

EQ_TEST(fmnist_cnn_layer_table) {
    Supernet net(defaultModelSpec("fmnist-cnn"));
    const auto& L = net.layers();
    EQ_COMPARE(L.size(), size_t(6));
    // out_h * out_w * C_out * C_in * 3 * 3, and 64 * 10 for the classifier
    const int64_t macs[6] = {28 * 28 * 16 * 1 * 9, 14 * 14 * 32 * 16 * 9, 14 * 14 * 32 * 32 * 9,
                             7 * 7 * 64 * 32 * 9, 7 * 7 * 64 * 64 * 9, 64 * 10};
    const char* names[6] = {"conv1", "conv2", "conv3", "conv4", "conv5", "fc"};
    const bool unsignedIn[6] = {false, true, true, true, true, true};
    for (size_t i = 0; i < 6; ++i) {
        EQ_COMPARE(L[i].name, std::string(names[i]));
        EQ_COMPARE(L[i].macs, macs[i]);
        EQ_COMPARE(L[i].actUnsigned, unsignedIn[i]);
        EQ_COMPARE(L[i].fixedBits, i == 0 || i == 5);
    }
    EQ_COMPARE(totalMacs(L), int64_t(5532544));
    EQ_COMPARE(L[1].outputShape, (std::vector<int64_t>{32, 14, 14}));
    EQ_COMPARE(L[5].biasParams, int64_t(10));
    EQ_COMPARE(L[4].weightParams, int64_t(64 * 64 * 9));
}

EQ_TEST(fmnist_cnn_bitops_and_size_by_hand) {
    Supernet net(defaultModelSpec("fmnist-cnn"));
    const auto& L = net.layers();
    const QuantForm pcSymAsym{Granularity::PerChannel, true, false};
    const SubnetCost c = subnetCost(L, net.uniform(4, 4, pcSymAsym));
    // first and last at 8x8, the four middle convolutions at 4x4
    EQ_COMPARE(c.bitops, 112896.0 * 64 + (903168.0 + 1806336 + 903168 + 1806336) * 16 + 640.0 * 64);
    EQ_COMPARE(c.bitops, 93970432.0);
    // weights: 144*8 + (4608+9216+18432+36864)*4 + 640*8; bias 10*32;
    // scales: one FP32 per output channel + activation scale (32) and zero point (8)
    const double weights = 144 * 8 + 69120.0 * 4 + 640 * 8;
    const double scales = (16 + 32 + 32 + 64 + 64 + 10) * 32.0 + 6 * 40.0;
    EQ_COMPARE(c.weightBits, weights);
    EQ_COMPARE(c.sizeBits, weights + 320 + scales);
    // per-tensor, asymmetric weights, symmetric activations: 1 scale + 1 zero point per layer
    const QuantForm ptAsymSym{Granularity::PerTensor, false, true};
    const SubnetCost d = subnetCost(L, net.uniform(2, 3, ptAsymSym));
    EQ_COMPARE(d.bitops, 112896.0 * 64 + 5419008.0 * 6 + 640.0 * 64);
    EQ_COMPARE(d.sizeBits, 144 * 8 + 69120.0 * 2 + 640 * 8 + 320 + 6 * (40.0 + 32.0));
}

EQ_TEST(fp32_reference) {
    Supernet net(defaultModelSpec("fmnist-cnn"));
    const SubnetCost fp = fp32Cost(net.layers());
    EQ_COMPARE(fp.bitops, 5532544.0 * 32 * 32);
    EQ_COMPARE(fp.sizeBits, (144 + 4608 + 9216 + 18432 + 36864 + 650) * 32.0);
}

EQ_TEST(mixed_precision_bitops) {
    Supernet net(defaultModelSpec("fmnist-cnn"));
    SubnetConfig cfg = net.uniform(8, 8, QuantForm{});
    cfg.layers[2] = {2, 6};
    cfg.layers[4] = {5, 3};
    const double expect = 112896.0 * 64 + 903168.0 * 64 + 1806336.0 * 12 + 903168.0 * 64 +
                          1806336.0 * 15 + 640.0 * 64;
    EQ_COMPARE(subnetCost(net.layers(), cfg).bitops, expect);
    cfg.layers.pop_back();
    EQ_THROWS(subnetCost(net.layers(), cfg), Error, "layers");
}

EQ_TEST(paper_networks_have_their_published_size) {
    // Conv + linear MACs at 224x224: ResNet-18 1.81 G, MobileNetV2 0.30 G; ResNet-20 (CIFAR,
    // 1x1-conv shortcuts) 41 M. Parameters without BN: the published totals (11,689,512 and
    // 3,504,872) less 2 per BN channel (4,800 and 17,056 channels).
    struct Row { const char* name; double macs; int64_t params; size_t layers; };
    for (const Row& r : {Row{"resnet18", 1.8137e9, 11679912, 21}, Row{"mobilenetv2", 3.00774272e8, 3470760, 53},
                         Row{"resnet20", 4.0813e7, 0, 22}}) {
        Supernet net(defaultModelSpec(r.name));
        const double macs = double(totalMacs(net.layers()));
        EQ_VERIFY2(std::abs(macs - r.macs) / r.macs < 0.005, std::string(r.name) + " MACs " + std::to_string(macs));
        EQ_COMPARE(net.layers().size(), r.layers);
        if (r.params) {
            int64_t p = 0;
            for (const auto& l : net.layers()) p += l.weightParams + l.biasParams;
            EQ_COMPARE(p, r.params);
        }
        EQ_VERIFY(net.layers().front().fixedBits && net.layers().back().fixedBits);
    }
}
