import Foundation

/// A TensorFlow Lite model file as its FlatBuffer says it: the main subgraph's tensors (with their
/// constant contents) and operators (with decoded builtin options), plus the model's metadata.
///
/// This is the parse step only; mapping onto the engine graph happens elsewhere. The reader
/// follows the published schema (`tensorflow/compiler/mlir/lite/schema/schema.fbs`, schema
/// version 3 with its 3a–3c additions: the int32 `builtin_code`, buffers stored after the
/// FlatBuffer for models over 2 GB). Absent fields take the schema's defaults, as FlatBuffers
/// specify. Tensor layouts are the file's: activations NHWC, conv weights OHWI, depthwise weights
/// 1HW(I·M), fully-connected weights [out, in].
///
/// Values own their bytes (copied out of the file), so a model is `Sendable` and outlives the
/// `Data` it was parsed from.
public struct TFLiteModel: Sendable {
    /// A tensor's element type (schema `TensorType`). Types this reader has no case for
    /// (complex, uint64, bfloat16, resource, variant, newer ones) are `.other`.
    public enum TensorType: String, Sendable {
        case float32, float16, int32, uint8, int64, string, bool, int16, int8, float64, uint32, uint16, int4, other
    }

    /// Affine quantization: `real = scale * (quantized - zeroPoint)`, per tensor (one scale) or
    /// per channel along `quantizedDimension`.
    public struct Quantization: Sendable, Equatable {
        public var scale: [Float]
        public var zeroPoint: [Int64]
        public var quantizedDimension: Int

        public init(scale: [Float], zeroPoint: [Int64], quantizedDimension: Int) {
            self.scale = scale
            self.zeroPoint = zeroPoint
            self.quantizedDimension = quantizedDimension
        }
    }

    /// One tensor of the main subgraph.
    public struct Tensor: Sendable {
        public var name: String
        /// The static shape ([] for a scalar). Activations are NHWC.
        public var shape: [Int]
        /// `shape` with -1 for dynamic dimensions, when the converter wrote one.
        public var shapeSignature: [Int]?
        public var type: TensorType
        /// The constant contents, little-endian, row-major; nil for activations and empty buffers.
        public var data: Data?
        /// Nil when the file gives no scale and no zero point (float tensors).
        public var quantization: Quantization?
        public var isVariable: Bool
    }

    /// A decoded builtin option: ints, floats and bools as stored; enums (padding,
    /// fused_activation_function, weights_format, tensor types, mirror-pad mode) as their schema names.
    public enum OptionValue: Sendable, Equatable {
        case int(Int), float(Float), bool(Bool), string(String), ints([Int])
    }

    /// One operator of the main subgraph, in execution order.
    public struct Operator: Sendable {
        /// The builtin name from the schema's `BuiltinOperator` enum ("CONV_2D"), `CUSTOM:<custom_code>`
        /// for custom operators, or `BUILTIN_<n>` for a code newer than this reader's table.
        public var opcode: String
        /// The operator version from its OperatorCode (default 1).
        public var version: Int
        /// Tensor indices; -1 marks an omitted optional input.
        public var inputs: [Int]
        public var outputs: [Int]
        /// The builtin options table, field name -> value. Every scalar field of a decoded table is
        /// present (with its schema default when the file omits it); vector fields (`new_shape`,
        /// `squeeze_dims`) only when the file has them.
        public var options: [String: OptionValue]
        /// The name of an options table the file carries for this operator but this reader does not
        /// decode (e.g. "SVDFOptions", "StablehloPadOptions"); nil when `options` is complete.
        public var undecodedOptionsTable: String?
        /// A custom operator's opaque options (usually a FlexBuffer); nil when there are none.
        public var customOptions: Data?
    }

    /// The schema version (3 for every current converter).
    public var version: Int
    public var description: String
    /// The tensors of the first (main) subgraph.
    public var tensors: [Tensor]
    public var operators: [Operator]
    /// Indices into `tensors` of the main subgraph's inputs and outputs.
    public var inputs: [Int]
    public var outputs: [Int]
    public var subgraphCount: Int
    /// `Model.metadata`: name -> the bytes of the buffer it points to (e.g. "min_runtime_version").
    /// The first entry wins when a name repeats.
    public var metadata: [String: Data]
}

extension TFLiteModel {
    /// Reads and parses a `.tflite` file; errors name the file's path.
    public static func parse(contentsOf url: URL) throws -> TFLiteModel {
        let data: Data
        do { data = try Data(contentsOf: url, options: .mappedIfSafe) } catch {
            throw TFLiteFormatError(file: url.path, detail: "cannot read the file (\(error.localizedDescription))")
        }
        return try parse(data, file: url.path)
    }
}
