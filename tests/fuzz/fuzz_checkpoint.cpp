// A supernet checkpoint (a LibTorch archive with the model's metadata and tensors), loaded as
// every command loads one: the format, the model, the shapes, the checksum, the quantizer slots.
#include "fuzz_support.h"

#include "eqnet/error.h"
#include "eqnet/supernet.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    const std::string path = eqfuzz::writeScratch(data, size, "-last.pt");
    try {
        eqnet::Supernet::load(path, "cpu");
    } catch (const eqnet::Error&) {
    }
    return 0;
}
