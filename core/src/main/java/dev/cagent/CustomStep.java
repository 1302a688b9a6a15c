package dev.cagent;

/**
 * The extension point for steps cagent does not ship. A backend understands a custom step
 * through the interfaces it publishes (the macOS backend: {@code dev.cagent.macos.MacStep}).
 */
public non-sealed interface CustomStep extends Step {
}
