#include "graph/imported_network_json.h"

#include "io/json_fields.h"

namespace eqnet::graph {

using jsonio::json;

namespace {

constexpr Op kOps[] = {Op::Conv, Op::Linear, Op::BatchNorm, Op::Relu, Op::Clip, Op::Add,
                       Op::Concat, Op::MaxPool, Op::AvgPool, Op::GlobalAvgPool, Op::Flatten};

Op opFromName(const std::string& name, const std::string& source) {
    for (Op op : kOps)
        if (name == opName(op)) return op;
    jsonio::fail(source, "network node op \"" + name + "\" is not known");
}

template <typename T>
T get(const json& obj, const char* key, const std::string& where, const std::string& source) {
    return jsonio::need<T>(obj, key, where, source);
}

} // namespace

std::string importedNetworkToJson(const ImportedNetwork& net) {
    json nodes = json::array();
    for (const auto& n : net.graph.nodes)
        nodes.push_back({{"op", opName(n.op)},     {"name", n.name},         {"inputs", n.inputs},
                         {"in", n.in},             {"out", n.out},           {"kernel", n.kernel},
                         {"stride", n.stride},     {"padding", n.padding},   {"groups", n.groups},
                         {"bias", n.bias},         {"act_unsigned", n.actUnsigned}, {"eps", n.eps},
                         {"lo", n.lo},             {"hi", n.hi},             {"axis", n.axis},
                         {"keep_dims", n.keepDims}});
    const json j = {{"schema", "eqnet.network"},
                    {"version", 1},
                    {"input", {{"name", net.inputName}, {"channels", net.inChannels}, {"size", net.imageSize}}},
                    {"output", {{"name", net.outputName}, {"classes", net.numClasses}}},
                    {"batch_norms", net.batchNorms},
                    {"nodes", nodes},
                    {"result", net.graph.output}};
    return j.dump();
}

ImportedNetwork importedNetworkFromJson(const std::string& text, const std::string& source) {
    const json j = jsonio::parseObject(text, source);
    if (j.value("schema", "") != "eqnet.network")
        jsonio::fail(source, "not an EQ-Net network description (field \"schema\")");
    ImportedNetwork out;
    const json& in = jsonio::need(j, "input", "", source);
    out.inputName = get<std::string>(in, "name", "input.", source);
    out.inChannels = get<int64_t>(in, "channels", "input.", source);
    out.imageSize = get<int64_t>(in, "size", "input.", source);
    const json& o = jsonio::need(j, "output", "", source);
    out.outputName = get<std::string>(o, "name", "output.", source);
    out.numClasses = get<int64_t>(o, "classes", "output.", source);
    out.batchNorms = get<int>(j, "batch_norms", "", source);
    if (out.inChannels < 1 || out.imageSize < 1 || out.numClasses < 1)
        jsonio::fail(source, "network input or output size is not positive");
    const json& nodes = jsonio::need(j, "nodes", "", source);
    if (!nodes.is_array()) jsonio::fail(source, "field \"nodes\" must be an array");
    NetworkBuilder b;
    for (size_t i = 0; i < nodes.size(); ++i) {
        const json& e = nodes[i];
        const std::string w = "nodes[" + std::to_string(i) + "].";
        if (!e.is_object()) jsonio::fail(source, "field \"" + w.substr(0, w.size() - 1) + "\" must be an object");
        Node n;
        n.op = opFromName(get<std::string>(e, "op", w, source), source);
        n.name = get<std::string>(e, "name", w, source);
        n.inputs = get<std::vector<ValueId>>(e, "inputs", w, source);
        n.in = get<int64_t>(e, "in", w, source);
        n.out = get<int64_t>(e, "out", w, source);
        n.kernel = get<int64_t>(e, "kernel", w, source);
        n.stride = get<int64_t>(e, "stride", w, source);
        n.padding = get<int64_t>(e, "padding", w, source);
        n.groups = get<int64_t>(e, "groups", w, source);
        n.bias = get<bool>(e, "bias", w, source);
        n.actUnsigned = get<bool>(e, "act_unsigned", w, source);
        n.eps = get<double>(e, "eps", w, source);
        n.lo = get<float>(e, "lo", w, source);
        n.hi = get<float>(e, "hi", w, source);
        n.axis = get<int64_t>(e, "axis", w, source);
        n.keepDims = get<bool>(e, "keep_dims", w, source);
        if (n.in < 0 || n.out < 0 || n.kernel < 1 || n.stride < 1 || n.padding < 0 || n.groups < 1)
            jsonio::fail(source, "field \"" + w + "\": a size that is not positive");
        try {
            b.push(std::move(n));
        } catch (const Error& err) {
            jsonio::fail(source, w.substr(0, w.size() - 1) + ": " + err.what());
        }
    }
    const ValueId result = get<ValueId>(j, "result", "", source);
    if (result < 1 || result > ValueId(nodes.size())) jsonio::fail(source, "field \"result\" names no node");
    out.graph = b.finish(result);
    return out;
}

} // namespace eqnet::graph
