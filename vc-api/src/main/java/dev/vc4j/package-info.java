/**
 * The API: what an embedder imports. {@link dev.vc4j.VirtContainers} creates and fetches
 * {@link dev.vc4j.Sandbox}es, which hold {@link dev.vc4j.Container}s; configs are records with builders, errors
 * are unchecked {@link dev.vc4j.VcException}s with a stable {@link dev.vc4j.ErrorCode}. What a driver module
 * implements is in {@link dev.vc4j.spi}; the machinery behind the API is in {@code dev.vc4j.internal}, which the
 * module does not export.
 */
package dev.vc4j;
