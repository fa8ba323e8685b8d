/** Wide routing logs: reading them, and replaying the experts they logged. */
package dev.gatestream.experts.replay;
