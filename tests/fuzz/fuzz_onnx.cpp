// ONNX import of the user's FP network (eqnet --model FILE.onnx).
#include "fuzz_support.h"

#include "eqnet/error.h"
#include "eqnet/model_spec.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    const std::string path = eqfuzz::writeScratch(data, size, "-model.onnx");
    try {
        eqnet::importModel(path);
    } catch (const eqnet::Error&) {
    }
    return 0;
}
