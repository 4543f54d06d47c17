/**
 * Seeded minibatch training with periodic test accuracy, and the resulting curves.
 */
package org.bn4j.examples.train;
