/**
 * Internal: values in some storage (arrays, NIO buffers, off-heap memory), reached one contiguous segment at a time
 * through {@link org.bn4j.core.storage.Data}. Depends on the JDK only. Not exported; any use from outside bn-core is
 * not supported.
 */
package org.bn4j.core.storage;
