/** Backends that run a model in process with ONNX Runtime, or over HTTP: OpenAI chat, KServe v2. */
package dev.gatestream.experts.backend;
