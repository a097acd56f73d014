// A CIFAR-10 binary batch (label byte + 3072 pixel bytes per image).
#include "fuzz_support.h"

#include "eqnet/data.h"
#include "eqnet/error.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    const std::string path = eqfuzz::writeScratch(data, size, "-data_batch_1.bin");
    try {
        eqnet::readCifar10({path}).checkConsistent("fuzz");
    } catch (const eqnet::Error&) {
    }
    return 0;
}
