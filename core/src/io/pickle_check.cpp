// The pickle opcodes of protocols 0 to 5 and their stack effects (CPython's Lib/pickletools.py
// documents each one), followed without building any object.
#include "io/pickle_check.h"

#include "eqnet/error.h"
#include "io/little_endian.h"

#include <memory>
#include <unordered_map>
#include <unordered_set>
#include <utility>
#include <vector>

namespace eqnet::picklecheck {
namespace {

// What the walk knows of a value on the pickle machine's stack. Copies (DUP, memo) share their
// text and items, so the walk's memory grows with the pickle's length, not with its copies.
struct Value {
    enum Kind { Str, Int, Class, Tuple, Storage, Other } kind = Other;
    int64_t number = 0;                              // Int; Storage: its elements
    std::shared_ptr<const std::string> text;         // Str: the string; Class: "module.name"
    std::shared_ptr<const std::vector<Value>> items; // Tuple: up to kTupleItems plain values
};
constexpr size_t kTupleItems = 16;  // longer tuples become Other
constexpr size_t kTextBytes = 256;  // longer strings become Other (no storage key is that long)

enum class Arg { None, Fixed, Counted, Line, TwoLines };
struct Opcode {
    Arg arg = Arg::None;
    int width = 0; // Fixed: bytes; Counted: bytes of the length before the data
    bool known = false;
};

struct Table {
    Opcode ops[256];
    constexpr void set(unsigned char c, Arg a, int w = 0) { ops[c] = Opcode{a, w, true}; }
    constexpr Table() : ops{} {
        for (unsigned char c : std::string_view("(.012NQRabde}lo]st)u\x81\x85\x86\x87\x88\x89\x8f\x90\x91\x92\x93\x94\x97\x98"))
            set(c, Arg::None);
        for (unsigned char c : std::string_view("FILPSVgp")) set(c, Arg::Line); // text arguments
        set('c', Arg::TwoLines);   // GLOBAL module \n name \n
        set('i', Arg::TwoLines);   // INST
        set('J', Arg::Fixed, 4);   // BININT
        set('K', Arg::Fixed, 1);   // BININT1
        set('M', Arg::Fixed, 2);   // BININT2
        set('G', Arg::Fixed, 8);   // BINFLOAT
        set('h', Arg::Fixed, 1);   // BINGET
        set('j', Arg::Fixed, 4);   // LONG_BINGET
        set('q', Arg::Fixed, 1);   // BINPUT
        set('r', Arg::Fixed, 4);   // LONG_BINPUT
        set(0x80, Arg::Fixed, 1);  // PROTO
        set(0x82, Arg::Fixed, 1);  // EXT1
        set(0x83, Arg::Fixed, 2);  // EXT2
        set(0x84, Arg::Fixed, 4);  // EXT4
        set(0x95, Arg::Fixed, 8);  // FRAME (the opcodes inside are checked one by one)
        for (unsigned char c : std::string_view("TXB\x8b")) set(c, Arg::Counted, 4); // BINSTRING BINUNICODE BINBYTES LONG4
        for (unsigned char c : std::string_view("UC\x8a\x8c")) set(c, Arg::Counted, 1); // SHORT_BINSTRING SHORT_BINBYTES LONG1 SHORT_BINUNICODE
        for (unsigned char c : std::string_view("\x8d\x8e\x96")) set(c, Arg::Counted, 8); // BINUNICODE8 BINBYTES8 BYTEARRAY8
    }
};
constexpr Table kTable;

uint64_t le(std::string_view b, uint64_t at, uint64_t n) { return readLittleEndian(b, at, n); }

class Walk {
public:
    Walk(std::string_view b, const std::string& what, const RecordSize& recordSize)
        : b_(b), what_(what), recordSize_(recordSize) {}

    void run() {
        while (pos_ < b_.size()) {
            at_ = pos_;
            const unsigned char code = static_cast<unsigned char>(b_[pos_++]);
            const Opcode o = kTable.ops[code];
            if (!o.known) fail("unknown opcode " + std::to_string(code));
            std::string_view arg = readArg(o);
            step(code, arg);
            ++opcodes_;
            if (code == '.') return; // STOP
        }
        at_ = b_.size();
        fail("no STOP opcode (truncated)");
    }

private:
    [[noreturn]] void fail(const std::string& why) const {
        throw Error(what_ + ": damaged pickle at byte " + std::to_string(at_) + ": " + why);
    }

    size_t lineEnd(size_t from) const {
        const size_t nl = b_.find('\n', from);
        if (nl == std::string_view::npos) fail("a text argument has no end");
        return nl;
    }

    // The opcode's argument (for Counted: the data after the length); checked to lie inside.
    std::string_view readArg(const Opcode& o) {
        const size_t left = b_.size() - pos_;
        switch (o.arg) {
        case Arg::None: return {};
        case Arg::Fixed: {
            if (left < size_t(o.width)) fail("the pickle ends inside an opcode");
            const std::string_view a = b_.substr(pos_, o.width);
            pos_ += o.width;
            return a;
        }
        case Arg::Counted: {
            if (left < size_t(o.width)) fail("the pickle ends inside an opcode");
            const uint64_t n = le(b_, pos_, o.width);
            pos_ += o.width;
            if (n > b_.size() - pos_)
                fail("a value claims " + std::to_string(n) + " bytes, " + std::to_string(b_.size() - pos_) + " remain");
            const std::string_view a = b_.substr(pos_, n);
            pos_ += n;
            return a;
        }
        case Arg::Line: {
            const size_t nl = lineEnd(pos_);
            const std::string_view a = b_.substr(pos_, nl - pos_);
            pos_ = nl + 1;
            return a;
        }
        case Arg::TwoLines: {
            const size_t first = lineEnd(pos_), second = lineEnd(first + 1);
            const std::string_view a = b_.substr(pos_, second - pos_); // "module\nname"
            pos_ = second + 1;
            return a;
        }
        }
        return {};
    }

    // Marks are kept beside the stack, as LibTorch's unpickler keeps them (a memo store after
    // a MARK stores the value below it).
    Value pop() {
        if (stack_.empty()) fail("the stack runs out");
        Value v = std::move(stack_.back());
        stack_.pop_back();
        return v;
    }
    std::vector<Value> popToMark() {
        if (marks_.empty() || marks_.back() > stack_.size()) fail("no MARK to pop to");
        const size_t m = marks_.back();
        marks_.pop_back();
        std::vector<Value> items(std::make_move_iterator(stack_.begin() + long(m)), std::make_move_iterator(stack_.end()));
        stack_.resize(m);
        return items;
    }
    void push(Value v) { stack_.push_back(std::move(v)); }
    void pushOther() { push(Value{}); }
    void pushTuple(std::vector<Value> items) {
        Value t;
        if (items.size() <= kTupleItems) {
            t.kind = Value::Tuple;
            t.items = std::make_shared<const std::vector<Value>>(std::move(items));
        }
        push(std::move(t));
    }
    void store(uint64_t index) {
        // A pickler numbers its memo from 0, one slot per store, so no index reaches the count
        // of opcodes before it; LibTorch's unpickler grows its memo to the index.
        if (index > opcodes_) fail("memo index " + std::to_string(index) + " after " + std::to_string(opcodes_) + " opcodes");
        if (stack_.empty()) fail("the stack runs out");
        memo_[index] = stack_.back();
    }
    void fetch(uint64_t index) {
        const auto it = memo_.find(index);
        if (it == memo_.end()) fail("memo index " + std::to_string(index) + " was never stored");
        push(it->second);
    }
    void pushInt(int64_t v) {
        Value i;
        i.kind = Value::Int;
        i.number = v;
        push(std::move(i));
    }
    void pushString(std::string_view s, Value::Kind kind) {
        Value v;
        if (s.size() <= kTextBytes) {
            v.kind = kind;
            v.text = std::make_shared<const std::string>(s);
        }
        push(std::move(v));
    }

    // ('storage', torch.<Type>Storage, key, location, elements), as LibTorch's pickler writes it.
    void persistentReference(const Value& ref) {
        const auto isStr = [](const Value& v) { return v.kind == Value::Str; };
        const std::vector<Value>* items = ref.kind == Value::Tuple ? ref.items.get() : nullptr;
        if (!items || items->size() != 5 || !isStr((*items)[0]) || *(*items)[0].text != "storage" ||
            (*items)[1].kind != Value::Class || !isStr((*items)[2]) || !isStr((*items)[3]) ||
            (*items)[4].kind != Value::Int)
            fail("a persistent reference that is not a LibTorch storage");
        const std::string& cls = *(*items)[1].text;
        const int elementBytes = cls.rfind("torch.", 0) == 0 ? storageElementBytes(std::string_view(cls).substr(6)) : 0;
        if (elementBytes == 0) fail("unknown storage type " + cls);
        const std::string& key = *(*items)[2].text;
        const int64_t elements = (*items)[4].number;
        if (!recordSize_) fail("a storage reference where none may be");
        const std::optional<uint64_t> size = recordSize_(key);
        if (!size) fail("storage " + key + " has no record in the archive");
        // LibTorch reads the record again for every reference: one reference per storage keeps
        // what it allocates within the file's size.
        if (!storagesSeen_.insert(key).second) fail("storage " + key + " is referred to twice");
        if (elements < 0 || uint64_t(elements) > *size / uint64_t(elementBytes))
            fail("storage " + key + " claims " + std::to_string(elements) + " elements of " +
                 std::to_string(elementBytes) + " bytes, its record holds " + std::to_string(*size) + " bytes");
        Value st;
        st.kind = Value::Storage;
        st.number = elements;
        push(std::move(st));
    }

    // torch._utils._rebuild_tensor_v2(storage, offset, sizes, strides, ...): LibTorch sets these
    // on the tensor without checking them against the storage, so every element the tensor can
    // reach must lie inside it.
    void rebuildTensor(const Value& args) {
        const std::vector<Value>* a = args.kind == Value::Tuple ? args.items.get() : nullptr;
        const auto ints = [](const Value& v) -> const std::vector<Value>* {
            if (v.kind != Value::Tuple) return nullptr;
            for (const Value& i : *v.items)
                if (i.kind != Value::Int || i.number < 0) return nullptr;
            return v.items.get();
        };
        if (!a || a->size() < 4 || (*a)[0].kind != Value::Storage || (*a)[1].kind != Value::Int ||
            (*a)[1].number < 0 || !ints((*a)[2]) || !ints((*a)[3]) || (*a)[2].items->size() != (*a)[3].items->size())
            fail("a tensor description that is not LibTorch's (storage, offset, sizes, strides)");
        const std::vector<Value>& sizes = *(*a)[2].items;
        const std::vector<Value>& strides = *(*a)[3].items;
        const int64_t elements = (*a)[0].number;
        unsigned __int128 last = uint64_t((*a)[1].number); // the furthest element it reaches
        bool empty = false;
        for (size_t i = 0; i < sizes.size(); ++i) {
            empty = empty || sizes[i].number == 0;
            last += static_cast<unsigned __int128>(uint64_t(sizes[i].number == 0 ? 0 : sizes[i].number - 1)) *
                    uint64_t(strides[i].number);
            if (last >> 64) fail("a tensor reaches past its storage");
        }
        if (!empty && last >= static_cast<unsigned __int128>(uint64_t(elements)))
            fail("a tensor reaches element " + std::to_string(uint64_t(last)) + " of a storage of " +
                 std::to_string(elements));
    }

    void reduce() {
        const Value args = pop(), callable = pop();
        if (callable.kind == Value::Class) {
            if (*callable.text == "torch._utils._rebuild_tensor_v2") rebuildTensor(args);
            else if (callable.text->rfind("torch._utils.", 0) == 0) fail("unsupported tensor kind " + *callable.text);
        }
        pushOther();
    }

    void step(unsigned char code, std::string_view arg) {
        switch (code) {
        case 0x80: case 0x95: case 0x98: break;            // PROTO FRAME READONLY_BUFFER
        case '.': break;                                    // STOP
        case '(': marks_.push_back(stack_.size()); break;  // MARK
        case '0': pop(); break;                             // POP
        case '1': popToMark(); break;                       // POP_MARK
        case '2': {                                         // DUP
            if (stack_.empty()) fail("the stack runs out");
            push(stack_.back());
            break;
        }
        case 'J': pushInt(int32_t(uint32_t(le(arg, 0, 4)))); break; // BININT
        case 'K': pushInt(int64_t(le(arg, 0, 1))); break;           // BININT1
        case 'M': pushInt(int64_t(le(arg, 0, 2))); break;           // BININT2
        case 0x8a:                                                  // LONG1: two's complement
            if (arg.size() <= 8) {
                uint64_t v = le(arg, 0, arg.size());
                if (!arg.empty() && arg.size() < 8 && (static_cast<unsigned char>(arg.back()) & 0x80))
                    v |= ~uint64_t(0) << (8 * arg.size());
                pushInt(int64_t(v));
            } else {
                pushOther();
            }
            break;
        case 'X': case 0x8c: case 0x8d: pushString(arg, Value::Str); break; // BINUNICODE, SHORT_, 8
        case 'c': {                                                         // GLOBAL
            std::string name(arg);
            name[name.find('\n')] = '.';
            pushString(name, Value::Class);
            break;
        }
        case 0x93: {                                                        // STACK_GLOBAL
            const Value name = pop(), module = pop();
            if (name.kind == Value::Str && module.kind == Value::Str) pushString(*module.text + "." + *name.text, Value::Class);
            else pushOther();
            break;
        }
        // Other values: numbers and strings in other encodings, constants, empty containers.
        case 'F': case 'I': case 'L': case 'G': case 0x8b: case 'S': case 'T': case 'U': case 'V':
        case 'B': case 'C': case 0x8e: case 0x96: case 'N': case 0x88: case 0x89: case '}': case ']':
        case 0x8f: case 0x82: case 0x83: case 0x84: case 0x97:
            pushOther();
            break;
        case 'P': fail("a text persistent reference (LibTorch writes none)");   // PERSID
        case ')': pushTuple({}); break;                                     // EMPTY_TUPLE
        case 't': pushTuple(popToMark()); break;                            // TUPLE
        case 0x85: case 0x86: case 0x87: {                                  // TUPLE1..3
            std::vector<Value> items(size_t(code - 0x84));
            for (size_t i = items.size(); i-- > 0;) items[i] = pop();
            pushTuple(std::move(items));
            break;
        }
        case 'Q': persistentReference(pop()); break;                        // BINPERSID
        case 'R': reduce(); break;                                          // REDUCE
        case 'b': pop(); if (stack_.empty()) fail("the stack runs out"); break; // BUILD
        case 0x81: pop(); pop(); pushOther(); break;                        // NEWOBJ
        case 0x92: pop(); pop(); pop(); pushOther(); break;                 // NEWOBJ_EX
        case 'a': pop(); if (stack_.empty()) fail("the stack runs out"); break; // APPEND
        case 's': pop(); pop(); if (stack_.empty()) fail("the stack runs out"); break; // SETITEM
        case 'e': case 'u': case 0x90:                                      // APPENDS SETITEMS ADDITEMS
            popToMark();
            if (stack_.empty()) fail("the stack runs out");
            break;
        case 'd': case 'l': case 0x91: case 'o': case 'i':                  // DICT LIST FROZENSET OBJ INST
            popToMark();
            pushOther();
            break;
        case 'g': fetch(decimal(arg)); break;                               // GET
        case 'h': case 'j': fetch(le(arg, 0, arg.size())); break;           // BINGET LONG_BINGET
        case 'p': store(decimal(arg)); break;                               // PUT
        case 'q': case 'r': store(le(arg, 0, arg.size())); break;           // BINPUT LONG_BINPUT
        case 0x94: store(memo_.size()); break;                              // MEMOIZE
        default: fail("unknown opcode " + std::to_string(code));
        }
    }

    uint64_t decimal(std::string_view s) const {
        uint64_t v = 0;
        if (s.empty()) fail("a bad memo index");
        for (char c : s) {
            if (c < '0' || c > '9' || v > opcodes_) fail("a bad memo index");
            v = v * 10 + uint64_t(c - '0');
        }
        return v;
    }

    std::string_view b_;
    const std::string& what_;
    const RecordSize& recordSize_;
    size_t pos_ = 0, at_ = 0;
    uint64_t opcodes_ = 0;
    std::vector<Value> stack_;
    std::vector<size_t> marks_;
    std::unordered_set<std::string> storagesSeen_;
    std::unordered_map<uint64_t, Value> memo_;
};

} // namespace

int storageElementBytes(std::string_view c) {
    static const std::pair<std::string_view, int> sizes[] = {
        {"FloatStorage", 4}, {"DoubleStorage", 8}, {"HalfStorage", 2}, {"BFloat16Storage", 2},
        {"LongStorage", 8}, {"IntStorage", 4}, {"ShortStorage", 2}, {"CharStorage", 1},
        {"ByteStorage", 1}, {"BoolStorage", 1}, {"ComplexFloatStorage", 8}, {"ComplexDoubleStorage", 16},
        {"ComplexHalfStorage", 4}, {"QInt8Storage", 1}, {"QUInt8Storage", 1}, {"QInt32Storage", 4},
        {"QUInt4x2Storage", 1}, {"QUInt2x4Storage", 1}};
    for (const auto& [name, bytes] : sizes)
        if (name == c) return bytes;
    return 0;
}

void checkPickle(std::string_view pickle, const std::string& what, const RecordSize& recordSize) {
    Walk(pickle, what, recordSize).run();
}

} // namespace eqnet::picklecheck
