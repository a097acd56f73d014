// The ONNX/protobuf side of the exporter: onnxir::Model <-> onnx::ModelProto, the checker and
// strict shape inference. No LibTorch here (see core/CMakeLists.txt, target eqcore_onnx).
#include "export/onnx_ir.h"

#include "eqnet/error.h"

#include <cstring>

#ifdef EQNET_HAVE_ONNX
#include <onnx/checker.h>
#include <onnx/common/version.h>
#include <onnx/onnx_pb.h>
#include <onnx/shape_inference/implementation.h>
#endif

namespace eqnet::onnxir {

std::string elemTypeName(ElemType t) {
    switch (t) {
    case ElemType::Float: return "float";
    case ElemType::UInt8: return "uint8";
    case ElemType::Int8: return "int8";
    case ElemType::Int32: return "int32";
    case ElemType::Int64: return "int64";
    }
    return "type " + std::to_string(int(t));
}

int64_t Tensor::numel() const {
    int64_t n = 1;
    for (auto d : dims) n *= d;
    return n;
}

Attribute Attribute::integer(std::string name, int64_t v) {
    Attribute a;
    a.name = std::move(name);
    a.kind = Kind::Int;
    a.i = v;
    return a;
}

Attribute Attribute::integers(std::string name, std::vector<int64_t> v) {
    Attribute a;
    a.name = std::move(name);
    a.kind = Kind::Ints;
    a.ints = std::move(v);
    return a;
}

Attribute Attribute::real(std::string name, float v) {
    Attribute a;
    a.name = std::move(name);
    a.kind = Kind::Float;
    a.f = v;
    return a;
}

const Attribute* Node::attr(const std::string& n) const {
    for (const auto& a : attrs)
        if (a.name == n) return &a;
    return nullptr;
}

const Tensor* Model::initializer(const std::string& n) const {
    for (const auto& t : initializers)
        if (t.name == n) return &t;
    return nullptr;
}

std::string Model::metadataValue(const std::string& key) const {
    for (const auto& [k, v] : metadata)
        if (k == key) return v;
    return {};
}

#ifdef EQNET_HAVE_ONNX

namespace {

size_t elemBytes(ElemType t) {
    switch (t) {
    case ElemType::Float: return 4;
    case ElemType::UInt8:
    case ElemType::Int8: return 1;
    case ElemType::Int32: return 4;
    case ElemType::Int64: return 8;
    }
    return 0;
}

// Little-endian raw_data, as the ONNX spec stores it (x86-64 and aarch64 are little-endian).
std::string rawBytes(const Tensor& t) {
    const int64_t n = t.numel();
    const size_t have = t.type == ElemType::Float ? t.floats.size() : t.ints.size();
    if (int64_t(have) != n)
        throw Error("tensor " + t.name + " has " + std::to_string(have) + " values for " +
                    std::to_string(n) + " elements");
    std::string out(size_t(n) * elemBytes(t.type), '\0');
    char* p = out.data();
    for (int64_t i = 0; i < n; ++i) {
        switch (t.type) {
        case ElemType::Float: std::memcpy(p + 4 * i, &t.floats[size_t(i)], 4); break;
        case ElemType::UInt8: {
            const int64_t v = t.ints[size_t(i)];
            if (v < 0 || v > 255) throw Error("tensor " + t.name + ": value " + std::to_string(v) + " is not uint8");
            p[i] = char(uint8_t(v));
            break;
        }
        case ElemType::Int8: {
            const int64_t v = t.ints[size_t(i)];
            if (v < -128 || v > 127) throw Error("tensor " + t.name + ": value " + std::to_string(v) + " is not int8");
            const int8_t b = int8_t(v);
            std::memcpy(p + i, &b, 1);
            break;
        }
        case ElemType::Int32: {
            const int32_t v = int32_t(t.ints[size_t(i)]);
            std::memcpy(p + 4 * i, &v, 4);
            break;
        }
        case ElemType::Int64: std::memcpy(p + 8 * i, &t.ints[size_t(i)], 8); break;
        }
    }
    return out;
}

void toProto(const Tensor& t, onnx::TensorProto& p) {
    p.set_name(t.name);
    p.set_data_type(int32_t(t.type));
    for (auto d : t.dims) p.add_dims(d);
    p.set_raw_data(rawBytes(t));
}

// The most elements a parsed tensor may claim: protobuf messages end at 2 GiB, so a tensor
// claiming more than 2^31 elements is malformed, whatever its dims say.
constexpr int64_t kMaxParsedElements = int64_t(1) << 31;

void fromProto(const onnx::TensorProto& p, Tensor& t) {
    t.name = p.name();
    t.type = ElemType(p.data_type());
    if (p.data_location() == onnx::TensorProto::EXTERNAL)
        throw Error("tensor " + t.name + ": its data is in an external file; save the model with the "
                    "weights inside (onnx.save(..., save_as_external_data=False))");
    int64_t n = 1;
    for (const auto d : p.dims()) {
        if (d < 0) throw Error("tensor " + t.name + ": dimension " + std::to_string(d) + " is negative");
        if (d > 0 && n > kMaxParsedElements / d)
            throw Error("tensor " + t.name + ": its dimensions claim more than 2^31 elements");
        n *= d;
    }
    t.dims.assign(p.dims().begin(), p.dims().end());
    const bool raw = p.has_raw_data();
    const size_t eb = elemBytes(t.type);
    if (eb == 0)
        throw Error("tensor " + t.name + ": element type " + std::to_string(p.data_type()) +
                    " is not supported (float32, uint8, int8, int32, int64)");
    if (raw && p.raw_data().size() != size_t(n) * eb)
        throw Error("tensor " + t.name + ": raw data of " + std::to_string(p.raw_data().size()) +
                    " bytes for " + std::to_string(n) + " elements");
    const auto typedCount = [&](int have) {
        if (!raw && int64_t(have) != n)
            throw Error("tensor " + t.name + ": " + std::to_string(have) + " stored values for " +
                        std::to_string(n) + " elements");
    };
    const char* r = p.raw_data().data();
    switch (t.type) {
    case ElemType::Float:
        typedCount(p.float_data_size());
        t.floats.resize(size_t(n));
        for (int64_t i = 0; i < n; ++i) {
            if (raw) std::memcpy(&t.floats[size_t(i)], r + 4 * i, 4);
            else t.floats[size_t(i)] = p.float_data(int(i));
        }
        break;
    case ElemType::UInt8:
    case ElemType::Int8:
    case ElemType::Int32:
        typedCount(p.int32_data_size());
        t.ints.resize(size_t(n));
        for (int64_t i = 0; i < n; ++i) {
            if (!raw) t.ints[size_t(i)] = p.int32_data(int(i));
            else if (t.type == ElemType::UInt8) t.ints[size_t(i)] = uint8_t(r[i]);
            else if (t.type == ElemType::Int8) {
                int8_t b;
                std::memcpy(&b, r + i, 1);
                t.ints[size_t(i)] = b;
            } else {
                int32_t v;
                std::memcpy(&v, r + 4 * i, 4);
                t.ints[size_t(i)] = v;
            }
        }
        break;
    case ElemType::Int64:
        typedCount(p.int64_data_size());
        t.ints.resize(size_t(n));
        for (int64_t i = 0; i < n; ++i) {
            if (raw) std::memcpy(&t.ints[size_t(i)], r + 8 * i, 8);
            else t.ints[size_t(i)] = p.int64_data(int(i));
        }
        break;
    }
}

void toProto(const ValueInfo& v, onnx::ValueInfoProto& p) {
    p.set_name(v.name);
    auto* tt = p.mutable_type()->mutable_tensor_type();
    tt->set_elem_type(int32_t(v.type));
    auto* shape = tt->mutable_shape();
    for (size_t i = 0; i < v.dims.size(); ++i) {
        auto* d = shape->add_dim();
        if (i < v.dimParams.size() && !v.dimParams[i].empty()) d->set_dim_param(v.dimParams[i]);
        else d->set_dim_value(v.dims[i]);
    }
}

ValueInfo fromProto(const onnx::ValueInfoProto& p) {
    ValueInfo v;
    v.name = p.name();
    const auto& tt = p.type().tensor_type();
    v.type = ElemType(tt.elem_type());
    for (const auto& d : tt.shape().dim()) {
        v.dims.push_back(d.has_dim_value() ? d.dim_value() : -1);
        v.dimParams.push_back(d.has_dim_param() ? d.dim_param() : std::string());
    }
    return v;
}

void toProto(const Attribute& a, onnx::AttributeProto& p) {
    p.set_name(a.name);
    switch (a.kind) {
    case Attribute::Kind::Int:
        p.set_type(onnx::AttributeProto::INT);
        p.set_i(a.i);
        break;
    case Attribute::Kind::Ints:
        p.set_type(onnx::AttributeProto::INTS);
        for (auto v : a.ints) p.add_ints(v);
        break;
    case Attribute::Kind::Float:
        p.set_type(onnx::AttributeProto::FLOAT);
        p.set_f(a.f);
        break;
    case Attribute::Kind::Floats:
        p.set_type(onnx::AttributeProto::FLOATS);
        for (auto v : a.floats) p.add_floats(v);
        break;
    case Attribute::Kind::String:
        p.set_type(onnx::AttributeProto::STRING);
        p.set_s(a.s);
        break;
    case Attribute::Kind::Other: throw Error("attribute " + a.name + ": a kind that cannot be written");
    }
}

Attribute fromProto(const onnx::AttributeProto& p) {
    Attribute a;
    a.name = p.name();
    switch (p.type()) {
    case onnx::AttributeProto::INT: a.kind = Attribute::Kind::Int; a.i = p.i(); break;
    case onnx::AttributeProto::INTS:
        a.kind = Attribute::Kind::Ints;
        a.ints.assign(p.ints().begin(), p.ints().end());
        break;
    case onnx::AttributeProto::FLOAT: a.kind = Attribute::Kind::Float; a.f = p.f(); break;
    case onnx::AttributeProto::FLOATS:
        a.kind = Attribute::Kind::Floats;
        a.floats.assign(p.floats().begin(), p.floats().end());
        break;
    case onnx::AttributeProto::STRING: a.kind = Attribute::Kind::String; a.s = p.s(); break;
    default: a.kind = Attribute::Kind::Other; break; // kept by name; import says it is not supported
    }
    return a;
}

// The checker, then shape inference in its strict mode (types checked, node errors thrown)
// on a copy, so that a graph whose shapes or types do not fit is rejected before writing.
void check(const onnx::ModelProto& m) {
    // ONNX's shape inference divides by strides and dilations without checking them: a model
    // with a zero there ended the process with SIGFPE (found by fuzz_onnx). Refused first.
    for (const onnx::NodeProto& n : m.graph().node())
        for (const onnx::AttributeProto& at : n.attribute()) {
            const bool positive = at.name() == "strides" || at.name() == "dilations" || at.name() == "kernel_shape";
            const bool nonNegative = at.name() == "pads";
            if (!positive && !nonNegative) continue;
            for (const int64_t v : at.ints())
                if (v < (positive ? 1 : 0) || v > (int64_t(1) << 20))
                    throw std::runtime_error("node " + n.name() + " (" + n.op_type() + "): attribute " + at.name() +
                                             " holds " + std::to_string(v) + ", outside " +
                                             (positive ? "1" : "0") + ".." + std::to_string(int64_t(1) << 20));
        }
    onnx::checker::check_model(m);
    onnx::ModelProto copy = m;
    onnx::ShapeInferenceOptions opts(/*check_type=*/true, /*strict_mode=*/1, /*data_prop=*/false);
    onnx::shape_inference::InferShapes(copy, onnx::OpSchemaRegistry::Instance(), opts);
}

std::string firstLines(const std::string& s) {
    // ONNX appends long "==> Context" dumps of the whole node; keep the message readable.
    const auto cut = s.find("\n\n==> Context:");
    return cut == std::string::npos ? s : s.substr(0, cut);
}

} // namespace

bool available() { return true; }
std::string onnxVersion() { return onnx::LAST_RELEASE_VERSION; }
int64_t maxOpset() {
    const auto& m = onnx::OpSchemaRegistry::DomainToVersionRange::Instance().Map();
    const auto it = m.find(onnx::ONNX_DOMAIN);
    return it == m.end() ? 0 : it->second.second;
}

std::string serialize(const Model& m) {
    onnx::ModelProto mp;
    mp.set_ir_version(m.irVersion);
    auto* op = mp.add_opset_import();
    op->set_domain("");
    op->set_version(m.opset);
    mp.set_producer_name(m.producerName);
    mp.set_producer_version(m.producerVersion);
    if (!m.docString.empty()) mp.set_doc_string(m.docString);
    for (const auto& [k, v] : m.metadata) {
        auto* e = mp.add_metadata_props();
        e->set_key(k);
        e->set_value(v);
    }
    auto* g = mp.mutable_graph();
    g->set_name(m.graphName);
    for (const auto& v : m.inputs) toProto(v, *g->add_input());
    for (const auto& v : m.outputs) toProto(v, *g->add_output());
    for (const auto& t : m.initializers) toProto(t, *g->add_initializer());
    for (const auto& n : m.nodes) {
        auto* np = g->add_node();
        np->set_op_type(n.op);
        np->set_name(n.name);
        for (const auto& i : n.inputs) np->add_input(i);
        for (const auto& o : n.outputs) np->add_output(o);
        for (const auto& a : n.attrs) toProto(a, *np->add_attribute());
    }
    try {
        check(mp);
    } catch (const std::exception& e) {
        throw Error("the ONNX checker rejects the graph: " + firstLines(e.what()));
    }
    std::string bytes;
    if (!mp.SerializeToString(&bytes)) throw Error("protobuf could not serialise the model (over 2 GB?)");
    return bytes;
}

Model parse(const std::string& bytes, const std::string& source) {
    onnx::ModelProto mp;
    if (!mp.ParseFromString(bytes)) throw Error(source + ": not an ONNX model (protobuf parse failed)");
    try {
        check(mp);
    } catch (const std::exception& e) {
        throw Error(source + ": the ONNX checker rejects the model: " + firstLines(e.what()));
    }
    Model m;
    m.irVersion = mp.ir_version();
    for (const auto& op : mp.opset_import())
        if (op.domain().empty() || op.domain() == "ai.onnx") m.opset = op.version();
    m.producerName = mp.producer_name();
    m.producerVersion = mp.producer_version();
    m.docString = mp.doc_string();
    for (const auto& e : mp.metadata_props()) m.metadata.emplace_back(e.key(), e.value());
    const auto& g = mp.graph();
    m.graphName = g.name();
    try {
        for (const auto& v : g.input()) m.inputs.push_back(fromProto(v));
        for (const auto& v : g.output()) m.outputs.push_back(fromProto(v));
        for (const auto& t : g.initializer()) {
            Tensor x;
            fromProto(t, x);
            m.initializers.push_back(std::move(x));
        }
        for (const auto& np : g.node()) {
            // A Constant holding a tensor is an initializer under its output's name.
            if (np.op_type() == "Constant" && np.output_size() == 1 && np.attribute_size() == 1 &&
                np.attribute(0).name() == "value" && np.attribute(0).type() == onnx::AttributeProto::TENSOR) {
                Tensor x;
                fromProto(np.attribute(0).t(), x);
                x.name = np.output(0);
                m.initializers.push_back(std::move(x));
                continue;
            }
            Node n;
            n.op = np.op_type();
            n.name = np.name();
            n.inputs.assign(np.input().begin(), np.input().end());
            n.outputs.assign(np.output().begin(), np.output().end());
            for (const auto& a : np.attribute()) n.attrs.push_back(fromProto(a));
            m.nodes.push_back(std::move(n));
        }
    } catch (const Error& e) {
        throw Error(source + ": " + e.what());
    }
    return m;
}

#else // built without libonnx

namespace {
[[noreturn]] void unavailable() {
    throw Error("ONNX export is not available: this build of EQ-Net Studio was made without "
                "libonnx (install libonnx-dev and libprotobuf-dev, then reconfigure with "
                "-DEQNET_ONNX=ON)");
}
} // namespace

bool available() { return false; }
std::string onnxVersion() { return {}; }
int64_t maxOpset() { return 0; }
std::string serialize(const Model&) { unavailable(); }
Model parse(const std::string&, const std::string&) { unavailable(); }

#endif

} // namespace eqnet::onnxir
