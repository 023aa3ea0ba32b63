import Graph

/// A pickle reader that understands what `torch.save` writes for a state dict and nothing else.
///
/// It is a stack machine over pickle protocols 2–5, but it never imports or calls anything: a `GLOBAL`
/// is accepted only when it names one of `allowedGlobals`, and `REDUCE`/`BUILD` only rebuild the few
/// objects a checkpoint needs (ordered dicts, tensors, parameters). Anything else — another global, a
/// `NEWOBJ`, an opcode outside the list — is refused with `FormatError.unsupported` naming it, so a
/// malicious pickle cannot run code. Memory is bounded by the input: every value costs at least one
/// opcode byte, and the stack, memo and nesting depth are capped.
struct RestrictedUnpickler {
    let path: String
    /// The archive member being read, for messages.
    let member: String

    /// The globals a state dict may name, and what each is.
    static let storageTypes: [String: DType] = [
        "torch.FloatStorage": .f32, "torch.HalfStorage": .f16, "torch.BFloat16Storage": .bf16,
        "torch.DoubleStorage": .f64, "torch.LongStorage": .i64, "torch.IntStorage": .i32,
        "torch.ShortStorage": .i16, "torch.CharStorage": .i8, "torch.ByteStorage": .u8, "torch.BoolStorage": .bool,
    ]
    static let orderedDict = "collections.OrderedDict"
    static let rebuildTensor = "torch._utils._rebuild_tensor_v2"
    static let rebuildParameter = "torch._utils._rebuild_parameter"
    static let rebuildParameterWithState = "torch._utils._rebuild_parameter_with_state"
    static var allowedGlobals: Set<String> {
        Set(storageTypes.keys).union([orderedDict, rebuildTensor, rebuildParameter, rebuildParameterWithState])
    }

    /// Deepest nesting of containers accepted (a state dict nests two or three levels).
    static let maxDepth = 64
    static let maxMemo = 10_000_000

    private enum Slot {
        case value(PickleValue, depth: Int)
        case mark
    }

    /// Runs the pickle in `bytes` to its `STOP` and returns the value it built.
    func load(_ bytes: UnsafeRawBufferPointer) throws -> PickleValue {
        var cursor = PickleCursor(bytes: bytes, fail: fail)
        var stack: [Slot] = []
        var memo: [Int: (PickleValue, Int)] = [:]

        func push(_ v: PickleValue, depth: Int = 0) throws {
            guard depth <= Self.maxDepth else { throw fail("values nest deeper than \(Self.maxDepth) levels") }
            stack.append(.value(v, depth: depth))
        }
        func pop() throws -> (PickleValue, Int) {
            guard case .value(let v, let d)? = stack.popLast() else { throw fail("stack underflow at byte \(cursor.position)") }
            return (v, d)
        }
        func popToMark() throws -> [(PickleValue, Int)] {
            var items: [(PickleValue, Int)] = []
            while let slot = stack.popLast() {
                switch slot {
                case .mark: return items.reversed()
                case .value(let v, let d): items.append((v, d))
                }
            }
            throw fail("no MARK on the stack at byte \(cursor.position)")
        }
        func top() throws -> (PickleValue, Int) {
            guard case .value(let v, let d)? = stack.last else { throw fail("stack underflow at byte \(cursor.position)") }
            return (v, d)
        }
        func tuple(_ items: [(PickleValue, Int)]) throws {
            try push(.tuple(items.map(\.0)), depth: (items.map(\.1).max() ?? 0) + 1)
        }
        func memoize(_ index: Int) throws {
            guard memo.count < Self.maxMemo || memo[index] != nil else { throw fail("more than \(Self.maxMemo) memo entries") }
            memo[index] = try top()
        }
        func setItems(_ pairs: [(PickleValue, Int)]) throws {
            guard pairs.count % 2 == 0 else { throw fail("SETITEMS with an odd number of values") }
            guard case .dict(let d) = try top().0 else { throw fail("SETITEM(S) on a \(try top().0.kind), not a dict") }
            for i in stride(from: 0, to: pairs.count, by: 2) { d.set(try key(pairs[i].0), pairs[i + 1].0) }
        }

        while true {
            let op = try cursor.byte()
            switch op {
            case 0x80: _ = try cursor.byte()                                   // PROTO
            case 0x95: _ = try cursor.bytes(8)                                 // FRAME: a length hint only
            case 0x2E: return try pop().0                                      // STOP
            case 0x28: stack.append(.mark)                                     // MARK
            case 0x30: _ = try pop()                                           // POP
            case 0x32: try push(try top().0, depth: try top().1)               // DUP
            case 0x4E: try push(.none)                                         // NONE
            case 0x88: try push(.bool(true))                                   // NEWTRUE
            case 0x89: try push(.bool(false))                                  // NEWFALSE
            case 0x4B: try push(.int(Int(try cursor.uint(1))))                 // BININT1
            case 0x4D: try push(.int(Int(try cursor.uint(2))))                 // BININT2
            case 0x4A: try push(.int(Int(Int32(truncatingIfNeeded: try cursor.uint(4)))))  // BININT
            case 0x8A: try push(.int(try cursor.long(Int(try cursor.uint(1)))))            // LONG1
            case 0x47:                                                         // BINFLOAT, big-endian
                try push(.float(Double(bitPattern: try cursor.uint(8).byteSwapped)))
            case 0x58: try push(.string(try cursor.utf8(Int(try cursor.uint(4)))))          // BINUNICODE
            case 0x8C: try push(.string(try cursor.utf8(Int(try cursor.uint(1)))))          // SHORT_BINUNICODE
            case 0x8D: try push(.string(try cursor.utf8(try cursor.length(8))))             // BINUNICODE8
            case 0x54: try push(.string(try cursor.utf8(Int(try cursor.uint(4)))))          // BINSTRING (py2)
            case 0x55: try push(.string(try cursor.utf8(Int(try cursor.uint(1)))))          // SHORT_BINSTRING
            case 0x42: try push(.bytes(Array(try cursor.bytes(Int(try cursor.uint(4))))))   // BINBYTES
            case 0x43: try push(.bytes(Array(try cursor.bytes(Int(try cursor.uint(1))))))   // SHORT_BINBYTES
            case 0x29: try push(.tuple([]))                                    // EMPTY_TUPLE
            case 0x85: try tuple([try pop()])                                  // TUPLE1
            case 0x86: let b = try pop(), a = try pop(); try tuple([a, b])     // TUPLE2
            case 0x87: let c = try pop(), b = try pop(), a = try pop(); try tuple([a, b, c])  // TUPLE3
            case 0x74: try tuple(try popToMark())                              // TUPLE
            case 0x5D: try push(.list(PickleList()))                           // EMPTY_LIST
            case 0x7D: try push(.dict(PickleDict()))                           // EMPTY_DICT
            case 0x61:                                                         // APPEND
                let v = try pop()
                guard case .list(let l) = try top().0 else { throw fail("APPEND to a \(try top().0.kind), not a list") }
                l.items.append(v.0)
            case 0x65:                                                         // APPENDS
                let items = try popToMark()
                guard case .list(let l) = try top().0 else { throw fail("APPENDS to a \(try top().0.kind), not a list") }
                l.items.append(contentsOf: items.map(\.0))
            case 0x73: let v = try pop(), k = try pop(); try setItems([k, v])  // SETITEM
            case 0x75: try setItems(try popToMark())                           // SETITEMS
            case 0x71: try memoize(Int(try cursor.uint(1)))                    // BINPUT
            case 0x72: try memoize(Int(try cursor.uint(4)))                    // LONG_BINPUT
            case 0x94: try memoize(memo.count)                                 // MEMOIZE
            case 0x68, 0x6A:                                                   // BINGET, LONG_BINGET
                let index = Int(try cursor.uint(op == 0x68 ? 1 : 4))
                guard let (v, d) = memo[index] else { throw fail("memo entry \(index) is fetched before it is stored") }
                try push(v, depth: d)
            case 0x63:                                                         // GLOBAL "module\nname\n"
                let module = try cursor.line(), name = try cursor.line()
                try push(.global(try allowed("\(module).\(name)")))
            case 0x93:                                                         // STACK_GLOBAL
                let name = try pop().0, module = try pop().0
                guard case .string(let m) = module, case .string(let n) = name else { throw fail("STACK_GLOBAL needs two strings") }
                try push(.global(try allowed("\(m).\(n)")))
            case 0x51:                                                         // BINPERSID
                try push(.storage(try storageRef(try pop().0)))
            case 0x52:                                                         // REDUCE
                let (args, d) = try pop()
                let (callable, _) = try pop()
                try push(try reduce(callable, args), depth: d)
            case 0x62:                                                         // BUILD
                let (state, _) = try pop()
                try build(try top().0, state)
            default:
                let names: [UInt8: String] = [0x81: "NEWOBJ", 0x92: "NEWOBJ_EX", 0x69: "INST", 0x6F: "OBJ", 0x50: "PERSID",
                                              0x8F: "EMPTY_SET", 0x96: "BYTEARRAY8", 0x97: "NEXT_BUFFER"]
                let label = names[op].map { "opcode \($0)" } ?? "opcode 0x\(String(op, radix: 16))"
                throw FormatError.unsupported(path: path, detail: "\(member): \(label) at byte \(cursor.position - 1) is not part of a PyTorch state dict; vitopt's restricted unpickler does not run it")
            }
        }
    }

    private func fail(_ detail: String) -> FormatError { .corrupt(path: path, detail: "\(member): pickle: \(detail)") }

    private func allowed(_ qualified: String) throws -> String {
        guard Self.allowedGlobals.contains(qualified) else {
            throw FormatError.unsupported(path: path, detail: "\(member) references the global '\(qualified)', which a state dict does not need; vitopt's restricted unpickler refuses it and runs no code (allowed: tensors, storages, OrderedDict, nn.Parameter)")
        }
        return qualified
    }

    private func key(_ v: PickleValue) throws -> String {
        switch v {
        case .string(let s): return s
        case .int(let i): return String(i)
        default: throw fail("dict key of type \(v.kind)")
        }
    }

    private func int(_ v: PickleValue, _ what: String) throws -> Int {
        guard case .int(let i) = v else { throw fail("\(what) is a \(v.kind), not an int") }
        return i
    }

    /// `('storage', torch.XStorage, key, location, numel)`.
    private func storageRef(_ pid: PickleValue) throws -> TorchStorageRef {
        guard case .tuple(let t) = pid, t.count == 5, case .string("storage") = t[0], case .global(let type) = t[1],
              case .string(let key) = t[2] else {
            throw fail("persistent id is not ('storage', type, key, location, numel)")
        }
        guard let dtype = Self.storageTypes[type] else { throw fail("persistent id names '\(type)', not a storage type") }
        let count = try int(t[4], "storage element count")
        guard count >= 0 else { throw fail("storage '\(key)' has \(count) elements") }
        return TorchStorageRef(key: key, dtype: dtype, count: count)
    }

    private func reduce(_ callable: PickleValue, _ args: PickleValue) throws -> PickleValue {
        guard case .global(let name) = callable, case .tuple(let a) = args else {
            throw fail("REDUCE of a \(callable.kind) with \(args.kind) arguments")
        }
        switch name {
        case Self.orderedDict:
            guard a.isEmpty else { throw fail("OrderedDict with positional arguments") }
            return .dict(PickleDict())
        case Self.rebuildTensor:
            // (storage, storage_offset, size, stride, requires_grad, backward_hooks[, metadata])
            guard a.count >= 4, case .storage(let storage) = a[0], case .tuple(let size) = a[2], case .tuple(let stride) = a[3] else {
                throw fail("_rebuild_tensor_v2 arguments are not (storage, offset, size, stride, ...)")
            }
            let shape = try size.map { try int($0, "tensor size") }
            let strides = try stride.map { try int($0, "tensor stride") }
            guard shape.count == strides.count else { throw fail("tensor size \(shape) and stride \(strides) differ in rank") }
            return .tensor(TorchTensorRef(storage: storage, offset: try int(a[1], "storage offset"), shape: shape, strides: strides))
        case Self.rebuildParameter, Self.rebuildParameterWithState:
            guard let first = a.first, case .tensor = first else { throw fail("\(name) without a tensor") }
            return first
        default:
            throw fail("'\(name)' cannot be called")
        }
    }

    /// `BUILD` on an ordered dict sets attributes (a state dict's `_metadata`): vitopt keeps none.
    private func build(_ target: PickleValue, _ state: PickleValue) throws {
        switch (target, state) {
        case (.dict, .dict), (.dict, .none), (.tensor, _): return
        default: throw fail("BUILD of a \(target.kind) with a \(state.kind) state")
        }
    }
}
