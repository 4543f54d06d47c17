/**
 * The paper's networks: the MNIST sigmoid MLP (section 4.1) and an Inception-style graph in the five
 * variants of Figure 3 (section 4.2), with bn4j's BN layer or DL4J's.
 */
package org.bn4j.examples.nets;
