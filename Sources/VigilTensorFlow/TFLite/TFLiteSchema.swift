/// The TFLite schema's enums and unions, by number, as this reader knows them.
///
/// Copied in order from `tensorflow/compiler/mlir/lite/schema/schema.fbs` (the TF 2.21-era schema:
/// `BuiltinOperator` up to STABLEHLO_CASE = 209, `BuiltinOptions` up to RightShiftOptions = 126).
/// The schema only appends, so an array index is the enum value. Table field slots are in
/// `TFLiteModel+Options.swift` and `TFLiteModel+Parse.swift`.
enum TFLiteSchema {
    /// `enum BuiltinOperator : int32`, index = value.
    static let builtinOperators: [String] = [
        "ADD", "AVERAGE_POOL_2D", "CONCATENATION", "CONV_2D", "DEPTHWISE_CONV_2D",                 // 0
        "DEPTH_TO_SPACE", "DEQUANTIZE", "EMBEDDING_LOOKUP", "FLOOR", "FULLY_CONNECTED",            // 5
        "HASHTABLE_LOOKUP", "L2_NORMALIZATION", "L2_POOL_2D", "LOCAL_RESPONSE_NORMALIZATION", "LOGISTIC", // 10
        "LSH_PROJECTION", "LSTM", "MAX_POOL_2D", "MUL", "RELU",                                    // 15
        "RELU_N1_TO_1", "RELU6", "RESHAPE", "RESIZE_BILINEAR", "RNN",                              // 20
        "SOFTMAX", "SPACE_TO_DEPTH", "SVDF", "TANH", "CONCAT_EMBEDDINGS",                          // 25
        "SKIP_GRAM", "CALL", "CUSTOM", "EMBEDDING_LOOKUP_SPARSE", "PAD",                           // 30
        "UNIDIRECTIONAL_SEQUENCE_RNN", "GATHER", "BATCH_TO_SPACE_ND", "SPACE_TO_BATCH_ND", "TRANSPOSE", // 35
        "MEAN", "SUB", "DIV", "SQUEEZE", "UNIDIRECTIONAL_SEQUENCE_LSTM",                           // 40
        "STRIDED_SLICE", "BIDIRECTIONAL_SEQUENCE_RNN", "EXP", "TOPK_V2", "SPLIT",                  // 45
        "LOG_SOFTMAX", "DELEGATE", "BIDIRECTIONAL_SEQUENCE_LSTM", "CAST", "PRELU",                 // 50
        "MAXIMUM", "ARG_MAX", "MINIMUM", "LESS", "NEG",                                            // 55
        "PADV2", "GREATER", "GREATER_EQUAL", "LESS_EQUAL", "SELECT",                               // 60
        "SLICE", "SIN", "TRANSPOSE_CONV", "SPARSE_TO_DENSE", "TILE",                               // 65
        "EXPAND_DIMS", "EQUAL", "NOT_EQUAL", "LOG", "SUM",                                         // 70
        "SQRT", "RSQRT", "SHAPE", "POW", "ARG_MIN",                                                // 75
        "FAKE_QUANT", "REDUCE_PROD", "REDUCE_MAX", "PACK", "LOGICAL_OR",                           // 80
        "ONE_HOT", "LOGICAL_AND", "LOGICAL_NOT", "UNPACK", "REDUCE_MIN",                           // 85
        "FLOOR_DIV", "REDUCE_ANY", "SQUARE", "ZEROS_LIKE", "FILL",                                 // 90
        "FLOOR_MOD", "RANGE", "RESIZE_NEAREST_NEIGHBOR", "LEAKY_RELU", "SQUARED_DIFFERENCE",       // 95
        "MIRROR_PAD", "ABS", "SPLIT_V", "UNIQUE", "CEIL",                                          // 100
        "REVERSE_V2", "ADD_N", "GATHER_ND", "COS", "WHERE",                                        // 105
        "RANK", "ELU", "REVERSE_SEQUENCE", "MATRIX_DIAG", "QUANTIZE",                              // 110
        "MATRIX_SET_DIAG", "ROUND", "HARD_SWISH", "IF", "WHILE",                                   // 115
        "NON_MAX_SUPPRESSION_V4", "NON_MAX_SUPPRESSION_V5", "SCATTER_ND", "SELECT_V2", "DENSIFY",  // 120
        "SEGMENT_SUM", "BATCH_MATMUL", "PLACEHOLDER_FOR_GREATER_OP_CODES", "CUMSUM", "CALL_ONCE",  // 125
        "BROADCAST_TO", "RFFT2D", "CONV_3D", "IMAG", "REAL",                                       // 130
        "COMPLEX_ABS", "HASHTABLE", "HASHTABLE_FIND", "HASHTABLE_IMPORT", "HASHTABLE_SIZE",        // 135
        "REDUCE_ALL", "CONV_3D_TRANSPOSE", "VAR_HANDLE", "READ_VARIABLE", "ASSIGN_VARIABLE",       // 140
        "BROADCAST_ARGS", "RANDOM_STANDARD_NORMAL", "BUCKETIZE", "RANDOM_UNIFORM", "MULTINOMIAL",  // 145
        "GELU", "DYNAMIC_UPDATE_SLICE", "RELU_0_TO_1", "UNSORTED_SEGMENT_PROD", "UNSORTED_SEGMENT_MAX", // 150
        "UNSORTED_SEGMENT_SUM", "ATAN2", "UNSORTED_SEGMENT_MIN", "SIGN", "BITCAST",                // 155
        "BITWISE_XOR", "RIGHT_SHIFT", "STABLEHLO_LOGISTIC", "STABLEHLO_ADD", "STABLEHLO_DIVIDE",   // 160
        "STABLEHLO_MULTIPLY", "STABLEHLO_MAXIMUM", "STABLEHLO_RESHAPE", "STABLEHLO_CLAMP", "STABLEHLO_CONCATENATE", // 165
        "STABLEHLO_BROADCAST_IN_DIM", "STABLEHLO_CONVOLUTION", "STABLEHLO_SLICE", "STABLEHLO_CUSTOM_CALL", "STABLEHLO_REDUCE", // 170
        "STABLEHLO_ABS", "STABLEHLO_AND", "STABLEHLO_COSINE", "STABLEHLO_EXPONENTIAL", "STABLEHLO_FLOOR", // 175
        "STABLEHLO_LOG", "STABLEHLO_MINIMUM", "STABLEHLO_NEGATE", "STABLEHLO_OR", "STABLEHLO_POWER", // 180
        "STABLEHLO_REMAINDER", "STABLEHLO_RSQRT", "STABLEHLO_SELECT", "STABLEHLO_SUBTRACT", "STABLEHLO_TANH", // 185
        "STABLEHLO_SCATTER", "STABLEHLO_COMPARE", "STABLEHLO_CONVERT", "STABLEHLO_DYNAMIC_SLICE", "STABLEHLO_DYNAMIC_UPDATE_SLICE", // 190
        "STABLEHLO_PAD", "STABLEHLO_IOTA", "STABLEHLO_DOT_GENERAL", "STABLEHLO_REDUCE_WINDOW", "STABLEHLO_SORT", // 195
        "STABLEHLO_WHILE", "STABLEHLO_GATHER", "STABLEHLO_TRANSPOSE", "DILATE", "STABLEHLO_RNG_BIT_GENERATOR", // 200
        "REDUCE_WINDOW", "STABLEHLO_COMPOSITE", "STABLEHLO_SHIFT_LEFT", "STABLEHLO_CBRT", "STABLEHLO_CASE", // 205
    ]

    static let customOperator = 32
    /// `deprecated_builtin_code` holds this when the real code is in the int32 `builtin_code`.
    static let placeholderForGreaterOpCodes = 127

    /// `enum TensorType : byte`, index = value.
    static let tensorTypes: [String] = [
        "FLOAT32", "FLOAT16", "INT32", "UINT8", "INT64", "STRING", "BOOL", "INT16", "COMPLEX64", "INT8",
        "FLOAT64", "COMPLEX128", "UINT64", "RESOURCE", "VARIANT", "UINT32", "UINT16", "INT4", "BFLOAT16",
    ]

    /// `union BuiltinOptions`: index + 1 = the type tag (0 is NONE).
    static let builtinOptions: [String] = [
        "Conv2DOptions", "DepthwiseConv2DOptions", "ConcatEmbeddingsOptions", "LSHProjectionOptions",      // 1
        "Pool2DOptions", "SVDFOptions", "RNNOptions", "FullyConnectedOptions", "SoftmaxOptions",           // 5
        "ConcatenationOptions", "AddOptions", "L2NormOptions", "LocalResponseNormalizationOptions",        // 10
        "LSTMOptions", "ResizeBilinearOptions", "CallOptions", "ReshapeOptions", "SkipGramOptions",        // 14
        "SpaceToDepthOptions", "EmbeddingLookupSparseOptions", "MulOptions", "PadOptions", "GatherOptions", // 19
        "BatchToSpaceNDOptions", "SpaceToBatchNDOptions", "TransposeOptions", "ReducerOptions",            // 24
        "SubOptions", "DivOptions", "SqueezeOptions", "SequenceRNNOptions", "StridedSliceOptions",         // 28
        "ExpOptions", "TopKV2Options", "SplitOptions", "LogSoftmaxOptions", "CastOptions",                 // 33
        "DequantizeOptions", "MaximumMinimumOptions", "ArgMaxOptions", "LessOptions", "NegOptions",        // 38
        "PadV2Options", "GreaterOptions", "GreaterEqualOptions", "LessEqualOptions", "SelectOptions",      // 43
        "SliceOptions", "TransposeConvOptions", "SparseToDenseOptions", "TileOptions", "ExpandDimsOptions", // 48
        "EqualOptions", "NotEqualOptions", "ShapeOptions", "PowOptions", "ArgMinOptions",                  // 53
        "FakeQuantOptions", "PackOptions", "LogicalOrOptions", "OneHotOptions", "LogicalAndOptions",       // 58
        "LogicalNotOptions", "UnpackOptions", "FloorDivOptions", "SquareOptions", "ZerosLikeOptions",      // 63
        "FillOptions", "BidirectionalSequenceLSTMOptions", "BidirectionalSequenceRNNOptions",              // 68
        "UnidirectionalSequenceLSTMOptions", "FloorModOptions", "RangeOptions",                            // 71
        "ResizeNearestNeighborOptions", "LeakyReluOptions", "SquaredDifferenceOptions", "MirrorPadOptions", // 74
        "AbsOptions", "SplitVOptions", "UniqueOptions", "ReverseV2Options", "AddNOptions",                 // 78
        "GatherNdOptions", "CosOptions", "WhereOptions", "RankOptions", "ReverseSequenceOptions",          // 83
        "MatrixDiagOptions", "QuantizeOptions", "MatrixSetDiagOptions", "HardSwishOptions", "IfOptions",   // 88
        "WhileOptions", "DepthToSpaceOptions", "NonMaxSuppressionV4Options", "NonMaxSuppressionV5Options", // 93
        "ScatterNdOptions", "SelectV2Options", "DensifyOptions", "SegmentSumOptions", "BatchMatMulOptions", // 97
        "CumsumOptions", "CallOnceOptions", "BroadcastToOptions", "Rfft2dOptions", "Conv3DOptions",        // 102
        "HashtableOptions", "HashtableFindOptions", "HashtableImportOptions", "HashtableSizeOptions",      // 107
        "VarHandleOptions", "ReadVariableOptions", "AssignVariableOptions", "RandomOptions",               // 111
        "BucketizeOptions", "GeluOptions", "DynamicUpdateSliceOptions", "UnsortedSegmentProdOptions",      // 115
        "UnsortedSegmentMaxOptions", "UnsortedSegmentMinOptions", "UnsortedSegmentSumOptions",             // 119
        "ATan2Options", "SignOptions", "BitcastOptions", "BitwiseXorOptions", "RightShiftOptions",         // 122
    ]

    /// `union BuiltinOptions2` (the StableHLO options): index + 1 = the type tag.
    static let builtinOptions2: [String] = [
        "StablehloConcatenateOptions", "StablehloBroadcastInDimOptions", "StablehloSliceOptions",
        "StablehloConvolutionOptions", "StablehloCustomCallOptions", "StablehloReduceOptions",
        "StablehloScatterOptions", "StablehloCompareOptions", "StablehloDynamicSliceOptions",
        "StablehloPadOptions", "StablehloIotaOptions", "StablehloDotGeneralOptions",
        "StablehloReduceWindowOptions", "StablehloSortOptions", "StablehloWhileOptions",
        "StablehloGatherOptions", "StablehloTransposeOptions", "DilateOptions",
        "StablehloRngBitGeneratorOptions", "ReduceWindowOptions", "StableHLOCompositeOptions",
        "StablehloShiftLeftOptions", "StablehloCaseOptions",
    ]
}
