import Foundation

/// Rotary position embedding: per-dimension-pair frequencies (with the checkpoint's scaling) and the rotation
/// of query/key heads.
public struct RotaryEmbedding: Sendable {
    /// How a head's dimensions are paired for rotation.
    public enum Pairing: Sendable {
        /// Dimension i with i + d/2 (transformers' `rotate_half`; HF checkpoints).
        case halves
        /// Dimension 2i with 2i + 1 (llama.cpp's layout: GGUF Llama files store q/k rows permuted for it).
        case adjacent
    }

    /// How the frequencies are rescaled for long contexts.
    public enum Scaling: Sendable, Equatable {
        case none
        /// Positions divided by `factor`.
        case linear(factor: Double)
        /// Llama 3.1's piecewise scaling of wavelengths.
        case llama3(factor: Double, lowFrequencyFactor: Double, highFrequencyFactor: Double,
                    originalContext: Double)
    }

    public let headDimension: Int
    public let pairing: Pairing
    /// Inverse frequency of each of the headDimension/2 pairs.
    public let inverseFrequencies: [Float]
    /// Multiplies cos/sin (YaRN-style attention factor; 1 for the supported scalings).
    public let attentionFactor: Float

    public init(headDimension: Int, theta: Double, scaling: Scaling = .none, pairing: Pairing) {
        self.headDimension = headDimension
        self.pairing = pairing
        let half = headDimension / 2
        var frequencies = (0..<half).map { i in
            // transformers: 1 / theta ** (arange(0, d, 2) / d), computed in float32
            Float(1.0 / pow(theta, Double(2 * i) / Double(headDimension)))
        }
        switch scaling {
        case .none:
            break
        case .linear(let factor):
            frequencies = frequencies.map { $0 / Float(factor) }
        case .llama3(let factor, let low, let high, let original):
            let lowWavelength = original / low, highWavelength = original / high
            frequencies = frequencies.map { f in
                let wavelength = 2 * Double.pi / Double(f)
                if wavelength < highWavelength { return f }
                if wavelength > lowWavelength { return f / Float(factor) }
                let smooth = (original / wavelength - low) / (high - low)
                return Float((1 - smooth) * Double(f) / factor + smooth * Double(f))
            }
        }
        inverseFrequencies = frequencies
        attentionFactor = 1
    }

    /// Rotates `heads` consecutive heads of `x` (each `headDimension` floats) for position `position`.
    /// `cos`/`sin` scratch must hold headDimension/2 floats.
    public func rotate(_ x: UnsafeMutablePointer<Float>, heads: Int, position: Int,
                       cos: UnsafeMutablePointer<Float>, sin: UnsafeMutablePointer<Float>) {
        let half = headDimension / 2
        for i in 0..<half {
            // transformers computes the angle in float32 (position * inv_freq) then cos/sin in float32
            let angle = Float(position) * inverseFrequencies[i]
            cos[i] = Foundation.cos(angle) * attentionFactor
            sin[i] = Foundation.sin(angle) * attentionFactor
        }
        for h in 0..<heads {
            let v = x + h * headDimension
            switch pairing {
            case .halves:
                for i in 0..<half {
                    let a = v[i], b = v[i + half]
                    v[i] = a * cos[i] - b * sin[i]
                    v[i + half] = b * cos[i] + a * sin[i]
                }
            case .adjacent:
                for i in 0..<half {
                    let a = v[2 * i], b = v[2 * i + 1]
                    v[2 * i] = a * cos[i] - b * sin[i]
                    v[2 * i + 1] = b * cos[i] + a * sin[i]
                }
            }
        }
    }
}
