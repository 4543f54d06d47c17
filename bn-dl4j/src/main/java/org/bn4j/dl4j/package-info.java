/**
 * bn-core as a drop-in DL4J layer. DL4J glue only: every piece of math lives in {@code org.bn4j.core}.
 */
package org.bn4j.dl4j;
