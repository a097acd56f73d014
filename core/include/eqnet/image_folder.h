#pragma once
// Image folders, torch-free: the layout of torchvision's ImageFolder,
//     DIR/train/<class>/**/*.png|jpg|jpeg     one folder per class, any depth below it
//     DIR/val/<class>/**/...   (or DIR/test/)  optional: the test split
// Classes are the folder names under train/ in byte order (label 0 is the first). The
// pictures of each split are put in a fixed pseudo-random order (the same on every load), so
// that any first N of them is a fair sample of every class. Every
// picture is read and decoded once when the folder is loaded: unreadable ones are counted
// and skipped with their path (a limit makes them fatal), the per-channel statistics are
// gathered, and the fitted pictures are kept in memory when they fit the cache budget;
// otherwise the set streams from disk, decoding each batch on worker threads.
#include "eqnet/data.h"

#include <cstdint>
#include <string>
#include <vector>

namespace eqnet {

struct ImageFolderOptions {
    // The geometry every picture is fitted to (eqnet::fitImage); 0: from the first picture
    // (channels 1 for grey, 3 for colour; its height and width).
    int64_t channels = 0, height = 0, width = 0;
    int64_t cacheBytes = int64_t(2048) << 20; // keep decoded pictures in memory up to this
    int64_t badImageLimit = -1;               // -1: skip any number of unreadable pictures
    int threads = 0;                          // decoding threads (0: all cores)
    ProgressFn progress; // stage "check pictures"; called from one thread at a time
};

struct ImageFolder {
    ImageSet train;                       // DIR/train
    ImageSet test;                        // DIR/val or DIR/test; empty when neither exists
    bool hasTest = false;
    std::string testFolder;               // "val" or "test" when hasTest
    std::vector<std::string> classNames;  // by label
    std::vector<std::string> skipped;     // "path: reason", one per unreadable picture
    int64_t ignoredFiles = 0;             // files without a picture's extension
};

// True when DIR/train is a directory (how DataFormat::Auto recognises an image folder).
bool looksLikeImageFolder(const std::string& dir);

// Throws eqnet::Error naming the folder or file at fault: no train/, no class folders, a class
// folder without pictures (or only unreadable ones), a test class unknown to train/, more
// unreadable pictures than the limit.
ImageFolder readImageFolder(const std::string& dir, const ImageFolderOptions& options);

// The picture file extensions read (lower case, compared case-insensitively).
const std::vector<std::string>& imageExtensions();

} // namespace eqnet
