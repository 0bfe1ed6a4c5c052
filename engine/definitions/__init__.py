"""What a deployed version is made of: parsed elements and their properties, our deploy-time
checks, forms, reference lists, the restricted script environment, service-task operators,
serialization of specs and states, and the catalogue of deployed versions.

Knows nothing of running files (`engine.runtime`) or of who audits them.
"""
