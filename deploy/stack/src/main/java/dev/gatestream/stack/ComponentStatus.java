package dev.gatestream.stack;

/**
 * State of one component of the local stack.
 *
 * @param name {@value LocalStack#BROKER} or {@value LocalStack#REGISTRY}
 * @param running whether the process recorded in the component's pid file is alive
 * @param pid that process, -1 if none
 * @param endpoint where clients reach it ({@code host:port} for the broker, a base URL for the
 *     registry)
 * @param rssBytes resident set size (VmRSS from /proc), -1 if unknown
 * @param detail one human-readable line (log file, stale pid file, ...)
 */
public record ComponentStatus(
    String name, boolean running, long pid, String endpoint, long rssBytes, String detail) {}
