// The ONNX protobuf schema (onnx.proto3 of ONNX 1.17, IR version 10/11) as a protobufjs JSON descriptor.
// Written from the ONNX specification rather than taken from onnx-proto, which stops at IR 8.
// Repeated scalar fields carry ONNX's own `packed` choices so that re-encoded files match what onnx writes.

const ssEntry = { rule: 'repeated', type: 'StringStringEntryProto' };

export const onnxSchemaJson = {
  nested: {
    onnx: {
      nested: {
        Version: {
          values: {
            _START_VERSION: 0, IR_VERSION_2017_10_10: 1, IR_VERSION_2017_10_30: 2, IR_VERSION_2017_11_3: 3,
            IR_VERSION_2019_1_22: 4, IR_VERSION_2019_3_18: 5, IR_VERSION_2019_9_19: 6, IR_VERSION_2020_5_8: 7,
            IR_VERSION_2021_7_30: 8, IR_VERSION_2023_5_5: 9, IR_VERSION_2024_3_25: 10, IR_VERSION: 11,
          },
        },
        AttributeProto: {
          fields: {
            name: { type: 'string', id: 1 },
            refAttrName: { type: 'string', id: 21 },
            docString: { type: 'string', id: 13 },
            type: { type: 'AttributeType', id: 20 },
            f: { type: 'float', id: 2 },
            i: { type: 'int64', id: 3 },
            s: { type: 'bytes', id: 4 },
            t: { type: 'TensorProto', id: 5 },
            g: { type: 'GraphProto', id: 6 },
            sparseTensor: { type: 'SparseTensorProto', id: 22 },
            tp: { type: 'TypeProto', id: 14 },
            floats: { rule: 'repeated', type: 'float', id: 7, options: { packed: false } },
            ints: { rule: 'repeated', type: 'int64', id: 8, options: { packed: false } },
            strings: { rule: 'repeated', type: 'bytes', id: 9 },
            tensors: { rule: 'repeated', type: 'TensorProto', id: 10 },
            graphs: { rule: 'repeated', type: 'GraphProto', id: 11 },
            sparseTensors: { rule: 'repeated', type: 'SparseTensorProto', id: 23 },
            typeProtos: { rule: 'repeated', type: 'TypeProto', id: 15 },
          },
          nested: {
            AttributeType: {
              values: {
                UNDEFINED: 0, FLOAT: 1, INT: 2, STRING: 3, TENSOR: 4, GRAPH: 5, SPARSE_TENSOR: 11, TYPE_PROTO: 13,
                FLOATS: 6, INTS: 7, STRINGS: 8, TENSORS: 9, GRAPHS: 10, SPARSE_TENSORS: 12, TYPE_PROTOS: 14,
              },
            },
          },
        },
        ValueInfoProto: {
          fields: {
            name: { type: 'string', id: 1 },
            type: { type: 'TypeProto', id: 2 },
            docString: { type: 'string', id: 3 },
            metadataProps: { ...ssEntry, id: 4 },
          },
        },
        NodeProto: {
          fields: {
            input: { rule: 'repeated', type: 'string', id: 1 },
            output: { rule: 'repeated', type: 'string', id: 2 },
            name: { type: 'string', id: 3 },
            opType: { type: 'string', id: 4 },
            domain: { type: 'string', id: 7 },
            overload: { type: 'string', id: 8 },
            attribute: { rule: 'repeated', type: 'AttributeProto', id: 5 },
            docString: { type: 'string', id: 6 },
            metadataProps: { ...ssEntry, id: 9 },
            deviceConfigurations: { rule: 'repeated', type: 'NodeDeviceConfigurationProto', id: 10 },
          },
        },
        IntIntListEntryProto: {
          fields: {
            key: { type: 'int64', id: 1 },
            value: { rule: 'repeated', type: 'int64', id: 2, options: { packed: false } },
          },
        },
        NodeDeviceConfigurationProto: {
          fields: {
            configurationId: { type: 'string', id: 1 },
            shardingSpec: { rule: 'repeated', type: 'ShardingSpecProto', id: 2 },
            pipelineStage: { type: 'int32', id: 3 },
          },
        },
        ShardingSpecProto: {
          fields: {
            tensorName: { type: 'string', id: 1 },
            device: { rule: 'repeated', type: 'int64', id: 2, options: { packed: false } },
            indexToDeviceGroupMap: { rule: 'repeated', type: 'IntIntListEntryProto', id: 3 },
            shardedDim: { rule: 'repeated', type: 'ShardedDimProto', id: 4 },
          },
        },
        ShardedDimProto: {
          fields: {
            axis: { type: 'int64', id: 1 },
            simpleSharding: { rule: 'repeated', type: 'SimpleShardedDimProto', id: 2 },
          },
        },
        SimpleShardedDimProto: {
          oneofs: { dim: { oneof: ['dimValue', 'dimParam'] } },
          fields: {
            dimValue: { type: 'int64', id: 1 },
            dimParam: { type: 'string', id: 2 },
            numShards: { type: 'int64', id: 3 },
          },
        },
        TrainingInfoProto: {
          fields: {
            initialization: { type: 'GraphProto', id: 1 },
            algorithm: { type: 'GraphProto', id: 2 },
            initializationBinding: { ...ssEntry, id: 3 },
            updateBinding: { ...ssEntry, id: 4 },
          },
        },
        ModelProto: {
          fields: {
            irVersion: { type: 'int64', id: 1 },
            opsetImport: { rule: 'repeated', type: 'OperatorSetIdProto', id: 8 },
            producerName: { type: 'string', id: 2 },
            producerVersion: { type: 'string', id: 3 },
            domain: { type: 'string', id: 4 },
            modelVersion: { type: 'int64', id: 5 },
            docString: { type: 'string', id: 6 },
            graph: { type: 'GraphProto', id: 7 },
            metadataProps: { ...ssEntry, id: 14 },
            trainingInfo: { rule: 'repeated', type: 'TrainingInfoProto', id: 20 },
            functions: { rule: 'repeated', type: 'FunctionProto', id: 25 },
            configuration: { rule: 'repeated', type: 'DeviceConfigurationProto', id: 26 },
          },
        },
        DeviceConfigurationProto: {
          fields: {
            name: { type: 'string', id: 1 },
            numDevices: { type: 'int32', id: 2 },
            device: { rule: 'repeated', type: 'string', id: 3 },
          },
        },
        StringStringEntryProto: {
          fields: { key: { type: 'string', id: 1 }, value: { type: 'string', id: 2 } },
        },
        TensorAnnotation: {
          fields: {
            tensorName: { type: 'string', id: 1 },
            quantParameterTensorNames: { ...ssEntry, id: 2 },
          },
        },
        GraphProto: {
          fields: {
            node: { rule: 'repeated', type: 'NodeProto', id: 1 },
            name: { type: 'string', id: 2 },
            initializer: { rule: 'repeated', type: 'TensorProto', id: 5 },
            sparseInitializer: { rule: 'repeated', type: 'SparseTensorProto', id: 15 },
            docString: { type: 'string', id: 10 },
            input: { rule: 'repeated', type: 'ValueInfoProto', id: 11 },
            output: { rule: 'repeated', type: 'ValueInfoProto', id: 12 },
            valueInfo: { rule: 'repeated', type: 'ValueInfoProto', id: 13 },
            quantizationAnnotation: { rule: 'repeated', type: 'TensorAnnotation', id: 14 },
            metadataProps: { ...ssEntry, id: 16 },
          },
        },
        TensorProto: {
          fields: {
            dims: { rule: 'repeated', type: 'int64', id: 1, options: { packed: false } },
            dataType: { type: 'int32', id: 2 },
            segment: { type: 'Segment', id: 3 },
            floatData: { rule: 'repeated', type: 'float', id: 4, options: { packed: true } },
            int32Data: { rule: 'repeated', type: 'int32', id: 5, options: { packed: true } },
            stringData: { rule: 'repeated', type: 'bytes', id: 6 },
            int64Data: { rule: 'repeated', type: 'int64', id: 7, options: { packed: true } },
            name: { type: 'string', id: 8 },
            docString: { type: 'string', id: 12 },
            rawData: { type: 'bytes', id: 9 },
            externalData: { ...ssEntry, id: 13 },
            dataLocation: { type: 'DataLocation', id: 14 },
            doubleData: { rule: 'repeated', type: 'double', id: 10, options: { packed: true } },
            uint64Data: { rule: 'repeated', type: 'uint64', id: 11, options: { packed: true } },
            metadataProps: { ...ssEntry, id: 16 },
          },
          nested: {
            Segment: { fields: { begin: { type: 'int64', id: 1 }, end: { type: 'int64', id: 2 } } },
            DataLocation: { values: { DEFAULT: 0, EXTERNAL: 1 } },
          },
        },
        SparseTensorProto: {
          fields: {
            values: { type: 'TensorProto', id: 1 },
            indices: { type: 'TensorProto', id: 2 },
            dims: { rule: 'repeated', type: 'int64', id: 3, options: { packed: false } },
          },
        },
        TensorShapeProto: {
          fields: { dim: { rule: 'repeated', type: 'Dimension', id: 1 } },
          nested: {
            Dimension: {
              oneofs: { value: { oneof: ['dimValue', 'dimParam'] } },
              fields: {
                dimValue: { type: 'int64', id: 1 },
                dimParam: { type: 'string', id: 2 },
                denotation: { type: 'string', id: 3 },
              },
            },
          },
        },
        TypeProto: {
          oneofs: {
            value: { oneof: ['tensorType', 'sequenceType', 'mapType', 'optionalType', 'sparseTensorType', 'opaqueType'] },
          },
          fields: {
            tensorType: { type: 'Tensor', id: 1 },
            sequenceType: { type: 'Sequence', id: 4 },
            mapType: { type: 'Map', id: 5 },
            optionalType: { type: 'Optional', id: 9 },
            sparseTensorType: { type: 'SparseTensor', id: 8 },
            opaqueType: { type: 'Opaque', id: 7 },
            denotation: { type: 'string', id: 6 },
          },
          nested: {
            Tensor: { fields: { elemType: { type: 'int32', id: 1 }, shape: { type: 'TensorShapeProto', id: 2 } } },
            Sequence: { fields: { elemType: { type: 'TypeProto', id: 1 } } },
            Map: { fields: { keyType: { type: 'int32', id: 1 }, valueType: { type: 'TypeProto', id: 2 } } },
            Optional: { fields: { elemType: { type: 'TypeProto', id: 1 } } },
            SparseTensor: { fields: { elemType: { type: 'int32', id: 1 }, shape: { type: 'TensorShapeProto', id: 2 } } },
            Opaque: { fields: { domain: { type: 'string', id: 1 }, name: { type: 'string', id: 2 } } },
          },
        },
        OperatorSetIdProto: {
          fields: { domain: { type: 'string', id: 1 }, version: { type: 'int64', id: 2 } },
        },
        FunctionProto: {
          fields: {
            name: { type: 'string', id: 1 },
            input: { rule: 'repeated', type: 'string', id: 4 },
            output: { rule: 'repeated', type: 'string', id: 5 },
            attribute: { rule: 'repeated', type: 'string', id: 6 },
            attributeProto: { rule: 'repeated', type: 'AttributeProto', id: 11 },
            node: { rule: 'repeated', type: 'NodeProto', id: 7 },
            docString: { type: 'string', id: 8 },
            opsetImport: { rule: 'repeated', type: 'OperatorSetIdProto', id: 9 },
            domain: { type: 'string', id: 10 },
            overload: { type: 'string', id: 13 },
            valueInfo: { rule: 'repeated', type: 'ValueInfoProto', id: 12 },
            metadataProps: { ...ssEntry, id: 14 },
          },
        },
      },
    },
  },
} as const;
