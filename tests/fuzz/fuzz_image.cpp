// One picture of an image folder (PNG or JPEG, sniffed from its bytes), decoded and fitted to
// the model's input as the data loader does.
#include "fuzz_support.h"

#include "eqnet/error.h"
#include "eqnet/image_decode.h"

#include <vector>

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    try {
        const eqnet::DecodedImage img = eqnet::decodeImage(data, size, "fuzz");
        std::vector<uint8_t> out(3 * 32 * 32);
        eqnet::fitImage(img, 3, 32, 32, out.data());
    } catch (const eqnet::Error&) {
    }
    return 0;
}
