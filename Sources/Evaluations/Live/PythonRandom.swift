/// Python's `random` module: the MT19937 Mersenne Twister with CPython's seeding and integer sampling, so a
/// choice "with seed 221" draws what the study's Python code drew.
///
/// Implemented from Matsumoto & Nishimura (1998) and CPython's `_randommodule.c` / `random.py` semantics:
/// `seed(int)` feeds the absolute value's 32-bit words (least significant first) to `init_by_array`;
/// `getrandbits(k ≤ 32)` is the top k bits of one output; `_randbelow(n)` draws `n.bit_length()` bits until the
/// value is below n; `choice(seq)` and `sample(seq, 1)` both take `seq[_randbelow(len(seq))]`.
public struct PythonRandom: Sendable {
    private var state = [UInt32](repeating: 0, count: 624)
    private var index = 625

    public init(seed: UInt64) {
        var key: [UInt32] = []
        var value = seed
        repeat {
            key.append(UInt32(truncatingIfNeeded: value))
            value >>= 32
        } while value != 0
        initialize(byArray: key)
    }

    private mutating func initialize(seed: UInt32) {
        state[0] = seed
        for i in 1..<624 {
            state[i] = 1_812_433_253 &* (state[i - 1] ^ (state[i - 1] >> 30)) &+ UInt32(i)
        }
        index = 624
    }

    private mutating func initialize(byArray key: [UInt32]) {
        initialize(seed: 19_650_218)
        var i = 1, j = 0
        for _ in 0..<max(624, key.count) {
            state[i] = (state[i] ^ ((state[i - 1] ^ (state[i - 1] >> 30)) &* 1_664_525)) &+ key[j] &+ UInt32(j)
            i += 1
            j += 1
            if i >= 624 { state[0] = state[623]; i = 1 }
            if j >= key.count { j = 0 }
        }
        for _ in 0..<623 {
            state[i] = (state[i] ^ ((state[i - 1] ^ (state[i - 1] >> 30)) &* 1_566_083_941)) &- UInt32(i)
            i += 1
            if i >= 624 { state[0] = state[623]; i = 1 }
        }
        state[0] = 0x8000_0000
    }

    private mutating func twist() {
        for i in 0..<624 {
            let y = (state[i] & 0x8000_0000) | (state[(i + 1) % 624] & 0x7FFF_FFFF)
            var next = state[(i + 397) % 624] ^ (y >> 1)
            if y & 1 != 0 { next ^= 0x9908_B0DF }
            state[i] = next
        }
        index = 0
    }

    /// One 32-bit output (`genrand_uint32`).
    public mutating func nextUInt32() -> UInt32 {
        if index >= 624 { twist() }
        var y = state[index]
        index += 1
        y ^= y >> 11
        y ^= (y << 7) & 0x9D2C_5680
        y ^= (y << 15) & 0xEFC6_0000
        y ^= y >> 18
        return y
    }

    /// `random.getrandbits(k)` for 1 ≤ k ≤ 64 (words are consumed least significant first, as CPython does).
    public mutating func randomBits(_ requested: Int) -> UInt64 {
        let count = min(max(requested, 1), 64)
        if count <= 32 { return UInt64(nextUInt32() >> (32 - count)) }
        let low = UInt64(nextUInt32())
        let high = UInt64(nextUInt32() >> (64 - count))
        return low | high << 32
    }

    /// `random._randbelow(n)`: uniform in 0..<n by rejection.
    public mutating func below(_ bound: Int) -> Int {
        guard bound > 1 else { return 0 }
        let bits = Int.bitWidth - (bound).leadingZeroBitCount
        while true {
            let value = randomBits(bits)
            if value < UInt64(bound) { return Int(value) }
        }
    }

    /// `random.random()`: 53 random bits in [0, 1).
    public mutating func uniform() -> Double {
        let a = Double(nextUInt32() >> 5)
        let b = Double(nextUInt32() >> 6)
        return (a * 67_108_864 + b) / 9_007_199_254_740_992
    }

    /// `random.choice(items)` (and `random.sample(items, 1)[0]`); `nil` for an empty list.
    public mutating func choice<T>(_ items: [T]) -> T? {
        items.isEmpty ? nil : items[below(items.count)]
    }
}
